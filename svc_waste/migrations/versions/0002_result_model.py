"""model version of a scan's result, for re-classification

Revision ID: waste_0002
Revises: waste_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "waste_0002"
down_revision = "waste_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.add_column(sa.Column("result_model", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("result_model")
