"""tombstones of deleted accounts

Revision ID: waste_0005
Revises: waste_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "waste_0005"
down_revision = "waste_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waste_deleted_subjects",
        sa.Column("subject_digest", sa.String(64), primary_key=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("waste_deleted_subjects")
