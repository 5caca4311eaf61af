"""Tables owned by svc_coach: the searchable copy of the knowledge base and its n-gram index."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ItemRow(Base):
    __tablename__ = "coach_items"

    # A dense integer assigned in item-id order: ties break on it, never on a collation-dependent string.
    item_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_id: Mapped[str] = mapped_column(String(64), unique=True)
    category_code: Mapped[str] = mapped_column(String(32))
    # JSON list: name_ko, name_en, then synonyms; the Python scorer reads exactly these.
    terms: Mapped[str] = mapped_column(Text)


class GramRow(Base):
    __tablename__ = "coach_item_grams"

    gram: Mapped[str] = mapped_column(String(16), primary_key=True)
    item_no: Mapped[int] = mapped_column(Integer, primary_key=True)


class MetaRow(Base):
    __tablename__ = "coach_kb_meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
