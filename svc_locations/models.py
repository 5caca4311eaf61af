"""Tables owned by svc_locations.

The spatial index is not declared here: it differs per backend (an R*Tree virtual table kept in
step by triggers on SQLite; a GiST index on `ll_to_earth(lat, lon)` on PostgreSQL) and lives in
the migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mesh.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class DropOffRow(Base):
    __tablename__ = "dropoffs"
    __table_args__ = (Index("ix_dropoffs_source", "source"),)

    # An integer key because SQLite's R*Tree indexes integers only; `id` is the public, stable key.
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # `<source>:<source row key>`: re-importing the same export updates rows instead of adding them.
    id: Mapped[str] = mapped_column(String(128), unique=True)
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(256))
    address: Mapped[str] = mapped_column(String(512), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # `|paper|glass|`, see domain.encode_accepts.
    accepts: Mapped[str] = mapped_column(String(512), default="")
    accepts_raw: Mapped[str] = mapped_column(Text, default="")
    opening_hours: Mapped[str] = mapped_column(String(512), default="")
    phone: Mapped[str] = mapped_column(String(128), default="")
    url: Mapped[str] = mapped_column(String(512), default="")
    licence: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DropOffAcceptRow(Base):
    """One row per accepted category of a point: the category-aware spatial index is built on it."""

    __tablename__ = "dropoff_accepts"

    pk: Mapped[int] = mapped_column(Integer, ForeignKey("dropoffs.pk", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Position in domain.CATEGORIES: SQLite's R*Tree indexes it as a third dimension.
    cat_no: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
