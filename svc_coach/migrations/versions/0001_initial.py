"""knowledge-base items, their n-gram index and the seeded KB digest

Revision ID: coach_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "coach_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_items",
        sa.Column("item_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("item_id", sa.String(64), nullable=False, unique=True),
        sa.Column("category_code", sa.String(32), nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
    )
    op.create_table(
        "coach_item_grams",
        sa.Column("gram", sa.String(16), primary_key=True),
        sa.Column("item_no", sa.Integer, primary_key=True),
    )
    op.create_table(
        "coach_kb_meta",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coach_kb_meta")
    op.drop_table("coach_item_grams")
    op.drop_table("coach_items")
