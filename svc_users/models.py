"""Tables owned by svc_users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mesh.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class ProfileRow(Base):
    __tablename__ = "user_profiles"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nickname: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="ko")
    region_code: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HistoryRow(Base):
    __tablename__ = "user_scan_history"
    __table_args__ = (Index("ix_user_scan_history_user_time", "user_id", "scanned_at", "scan_id"),)

    # scan_id is the key: a redelivered job cannot add a second row.
    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    category_code: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(String(128))
    confidence: Mapped[float] = mapped_column(Float)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeletedSubjectRow(Base):
    """A deleted account (by digest, see mesh.tombstone): no profile or history is created for it again."""

    __tablename__ = "user_deleted_subjects"

    subject_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime)
