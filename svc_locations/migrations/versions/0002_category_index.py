"""one spatial index entry per (point, accepted category), so a category filter runs inside the index

Revision ID: locations_0002
Revises: locations_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "locations_0002"
down_revision = "locations_0001"
branch_labels = None
depends_on = None

# SQLite: a 3-D R*Tree (lat, lon, category number), id = pk * 64 + category number, kept in step
# with dropoff_accepts by triggers (cascaded deletes from dropoffs fire them too).
_SQLITE = [
    "CREATE VIRTUAL TABLE dropoff_accepts_rtree "
    "USING rtree(id, min_lat, max_lat, min_lon, max_lon, min_cat, max_cat)",
    """CREATE TRIGGER dropoff_accepts_rtree_insert AFTER INSERT ON dropoff_accepts BEGIN
         INSERT INTO dropoff_accepts_rtree
         VALUES (new.pk * 64 + new.cat_no, new.lat, new.lat, new.lon, new.lon, new.cat_no, new.cat_no);
       END""",
    """CREATE TRIGGER dropoff_accepts_rtree_delete AFTER DELETE ON dropoff_accepts BEGIN
         DELETE FROM dropoff_accepts_rtree WHERE id = old.pk * 64 + old.cat_no;
       END""",
]
# PostgreSQL: GiST over (category, position); btree_gist lets the equality column join the index.
_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "CREATE INDEX ix_dropoff_accepts_earth ON dropoff_accepts USING gist (category, ll_to_earth(lat, lon))",
]
# The category numbers of domain.CATEGORIES at the time of this migration (append-only).
_CATEGORIES = (
    "paper", "paper_pack", "glass", "can_metal", "plastic", "clear_pet", "vinyl", "styrofoam", "food",
    "textiles", "battery", "lamp", "medicine", "small_electronics", "large_appliance", "bulky", "general",
    "non_combustible",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "dropoff_accepts",
        sa.Column("pk", sa.Integer, sa.ForeignKey("dropoffs.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("cat_no", sa.Integer, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
    )
    bind = op.get_bind()
    for statement in _POSTGRES if bind.dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)
    rows = bind.execute(sa.text("SELECT pk, lat, lon, accepts FROM dropoffs")).all()
    backfill = [
        {"pk": pk, "category": code, "cat_no": _CATEGORIES.index(code), "lat": lat, "lon": lon}
        for pk, lat, lon, accepts in rows
        for code in accepts.split("|")
        if code in _CATEGORIES
    ]
    if backfill:
        op.bulk_insert(sa.table("dropoff_accepts", *(sa.column(c) for c in backfill[0])), backfill)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS dropoff_accepts_rtree")
    op.drop_table("dropoff_accepts")
