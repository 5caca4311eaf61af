"""Tables owned by svc_waste."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mesh.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class ScanRow(Base):
    __tablename__ = "scans"
    __table_args__ = (
        # NULL keys never collide, so scans without an Idempotency-Key are unconstrained.
        UniqueConstraint("user_id", "idempotency_key", name="uq_scans_user_idempotency"),
        Index("ix_scans_user_created", "user_id", "created_at", "id"),
        Index("ix_scans_unpublished", "published_at"),
        Index("ix_scans_image_key", "image_key"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    image_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    hint: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="ko")
    idempotency_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str] = mapped_column(String(64), default="")
    error_message: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Model version behind result_json; re-classification picks scans of older versions.
    result_model: Mapped[str] = mapped_column(String(64), default="")
    # Outbox marker: NULL until the q.ai job is confirmed by the broker; a relay retries the rest.
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class FeedbackRow(Base):
    """One answered question: a labelled photo for retraining. Deleted with its owner's scans."""

    __tablename__ = "scan_feedback"
    __table_args__ = (
        Index("ix_scan_feedback_answered", "answered_at", "id"),
        Index("ix_scan_feedback_user", "user_id"),
        Index("ix_scan_feedback_scan", "scan_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    image_key: Mapped[str] = mapped_column(String(255))
    predicted_category: Mapped[str] = mapped_column(String(64))
    chosen_category: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    choice_id: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeletedSubjectRow(Base):
    """A deleted account (by digest, see mesh.tombstone): no scan or image is created for it again."""

    __tablename__ = "waste_deleted_subjects"

    subject_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(UtcDateTime)
