"""drop-off points with a spatial index per backend

Revision ID: locations_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "locations_0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite: an R*Tree over (lat, lon) keyed by dropoffs.pk, kept in step by triggers so that every
# writer (importer, Kakao sync, a manual fix) updates the index without knowing it exists.
_SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE dropoffs_rtree USING rtree(pk, min_lat, max_lat, min_lon, max_lon)",
    """CREATE TRIGGER dropoffs_rtree_insert AFTER INSERT ON dropoffs BEGIN
         INSERT INTO dropoffs_rtree VALUES (new.pk, new.lat, new.lat, new.lon, new.lon);
       END""",
    """CREATE TRIGGER dropoffs_rtree_update AFTER UPDATE OF lat, lon ON dropoffs BEGIN
         UPDATE dropoffs_rtree SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon
         WHERE pk = new.pk;
       END""",
    """CREATE TRIGGER dropoffs_rtree_delete AFTER DELETE ON dropoffs BEGIN
         DELETE FROM dropoffs_rtree WHERE pk = old.pk;
       END""",
]
# PostgreSQL: cube + earthdistance (both trusted extensions, no superuser needed on PG 13+) and a
# GiST index on the expression the search query repeats verbatim.
_POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE EXTENSION IF NOT EXISTS earthdistance",
    "CREATE INDEX ix_dropoffs_earth ON dropoffs USING gist (ll_to_earth(lat, lon))",
]


def upgrade() -> None:
    op.create_table(
        "dropoffs",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(128), nullable=False, unique=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("address", sa.String(512), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("accepts", sa.String(512), nullable=False),
        sa.Column("accepts_raw", sa.Text, nullable=False),
        sa.Column("opening_hours", sa.String(512), nullable=False),
        sa.Column("phone", sa.String(128), nullable=False),
        sa.Column("url", sa.String(512), nullable=False),
        sa.Column("licence", sa.String(256), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dropoffs_source", "dropoffs", ["source"])
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_INDEX if dialect == "postgresql" else _SQLITE_INDEX:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS dropoffs_rtree")
    op.drop_table("dropoffs")
