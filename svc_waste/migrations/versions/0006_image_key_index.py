"""index on scans.image_key: the orphan-image sweep asks which keys a scan still points to

Revision ID: waste_0006
Revises: waste_0005
"""

from alembic import op

revision = "waste_0006"
down_revision = "waste_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_scans_image_key", "scans", ["image_key"])


def downgrade() -> None:
    op.drop_index("ix_scans_image_key", table_name="scans")
