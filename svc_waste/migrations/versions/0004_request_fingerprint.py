"""the request an Idempotency-Key was first used for, so a reuse for another request is refused

Revision ID: waste_0004
Revises: waste_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "waste_0004"
down_revision = "waste_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.add_column(sa.Column("request_fingerprint", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("request_fingerprint")
