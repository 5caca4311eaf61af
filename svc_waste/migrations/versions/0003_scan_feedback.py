"""answered questions kept as labelled examples

Revision ID: waste_0003
Revises: waste_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "waste_0003"
down_revision = "waste_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_feedback",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("scan_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("image_key", sa.String(255), nullable=False),
        sa.Column("predicted_category", sa.String(64), nullable=False),
        sa.Column("chosen_category", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("choice_id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scan_feedback_answered", "scan_feedback", ["answered_at", "id"])
    op.create_index("ix_scan_feedback_user", "scan_feedback", ["user_id"])
    op.create_index("ix_scan_feedback_scan", "scan_feedback", ["scan_id"])


def downgrade() -> None:
    op.drop_table("scan_feedback")
