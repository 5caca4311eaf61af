"""oauth states and one-time codes

Revision ID: auth_0002
Revises: auth_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "auth_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_oauth_states",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("redirect_uri", sa.String(512), nullable=False),
        sa.Column("app_redirect_uri", sa.String(512), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_auth_oauth_states_expires_at", "auth_oauth_states", ["expires_at"])
    op.create_table(
        "auth_one_time_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_auth_one_time_codes_user_id", "auth_one_time_codes", ["user_id"])
    op.create_index("ix_auth_one_time_codes_expires_at", "auth_one_time_codes", ["expires_at"])


def downgrade() -> None:
    op.drop_table("auth_one_time_codes")
    op.drop_table("auth_oauth_states")
