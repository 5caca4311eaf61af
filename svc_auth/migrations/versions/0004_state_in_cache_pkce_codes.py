"""sign-in states move to the cache; one-time codes keep the app's PKCE challenge

Revision ID: auth_0004
Revises: auth_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "auth_0004"
down_revision = "auth_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # auth_oauth_states stays: pods of the previous release still write and read it during the
    # rollout that runs this migration. New pods no longer use it; a migration of a later release,
    # once no such pod runs, drops it (two phases, so no rollout breaks a sign-in in flight). An
    # earlier form of this migration already dropped it on some databases: that one says IF EXISTS.
    with op.batch_alter_table("auth_one_time_codes") as batch:
        batch.add_column(sa.Column("code_challenge", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("auth_one_time_codes") as batch:
        batch.drop_column("code_challenge")
    # An earlier form of this migration dropped the table: bring it back where it is gone.
    if sa.inspect(op.get_bind()).has_table("auth_oauth_states"):
        return
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
