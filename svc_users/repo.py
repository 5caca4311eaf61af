"""SQL for svc_users."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from mesh.db import read_session_factory, single_statement_engine
from mesh.tombstone import subject_digest
from svc_users.domain import HistoryEntry, Profile
from svc_users.models import DeletedSubjectRow, HistoryRow, ProfileRow


def _profile(row: ProfileRow) -> Profile:
    return Profile(row.user_id, row.nickname, row.language, row.region_code, row.created_at)


def _entry(row: HistoryRow) -> HistoryEntry:
    return HistoryEntry(row.scan_id, row.user_id, row.category_code, row.item, row.confidence, row.scanned_at)


# What every scan runs (the owner's profile, the deletion check, the history row) in Core
# statements built once: an ORM session costs more CPU than the round trip it wraps.
_PROFILES = ProfileRow.__table__
_HISTORY = HistoryRow.__table__
_GET_PROFILE = select(*(_PROFILES.c[f.name] for f in fields(Profile))).where(
    _PROFILES.c.user_id == bindparam("user_id")
)
_DELETED = select(DeletedSubjectRow.__table__.c.subject_digest).where(
    DeletedSubjectRow.__table__.c.subject_digest == bindparam("digest")
)
# The first record of a scan adds its row; a repeat (an answer, a redelivery) finds it there and
# updates it. ON CONFLICT: a repeat is no failed statement (an error in PostgreSQL's log each time).
_ADD_ENTRY = {
    dialect: insert(_HISTORY).on_conflict_do_nothing(index_elements=["scan_id"]).returning(_HISTORY.c.scan_id)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
# Another user's row with the same scan id is left alone.
_UPDATE_ENTRY = (
    update(_HISTORY)
    .where(_HISTORY.c.scan_id == bindparam("b_scan_id"), _HISTORY.c.user_id == bindparam("b_user_id"))
    .values(
        category_code=bindparam("category_code"), item=bindparam("item"), confidence=bindparam("confidence")
    )
)


class UsersRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions
        engine = sessions.kw["bind"]
        # Single SELECTs outside a transaction: no BEGIN/ROLLBACK round trips around each read.
        self.reads = read_session_factory(engine)
        self.statements = single_statement_engine(engine)

    async def get_profile(self, user_id: str) -> Profile | None:
        async with self.statements.connect() as connection:
            row = (await connection.execute(_GET_PROFILE, {"user_id": user_id})).first()
        return Profile(**row._mapping) if row else None

    async def is_deleted(self, user_id: str) -> bool:
        async with self.statements.connect() as connection:
            found = await connection.execute(_DELETED, {"digest": subject_digest(user_id)})
            return found.first() is not None

    async def ensure_profile(self, user_id: str, nickname: str, now: datetime) -> Profile | None:
        """The profile, created on the first call; None for a deleted account, which gets none."""
        async with self.reads() as session:
            row = await session.get(ProfileRow, user_id)
            if row is not None:
                return _profile(row)
        if await self.is_deleted(user_id):
            return None
        async with self.sessions() as session:
            row = ProfileRow(
                user_id=user_id, nickname=nickname, language="ko", region_code="", created_at=now
            )
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                # Two first sign-ins raced; the other one created it.
                await session.rollback()
                row = await session.get(ProfileRow, user_id)
            profile = _profile(row)
        return None if await self._purged_if_deleted(user_id) else profile

    async def _purged_if_deleted(self, user_id: str) -> bool:
        """Checked after a write: a deletion whose tombstone committed meanwhile may have missed the
        row just written (its delete statement saw the data as it was before), so it goes now."""
        if not await self.is_deleted(user_id):
            return False
        await self._purge(user_id)
        return True

    async def update_profile(self, user_id: str, changes: dict[str, str]) -> Profile | None:
        async with self.sessions() as session:
            row = await session.get(ProfileRow, user_id)
            if row is None:
                return None
            for key, value in changes.items():
                setattr(row, key, value)
            await session.commit()
            return _profile(row)

    async def delete_user(self, user_id: str, now: datetime) -> None:
        """Tombstones the account, then deletes its rows; repeating it is harmless."""
        # Committed on its own before anything is deleted: a writer that checks after its write
        # either sees it or wrote early enough for the delete below to see the row.
        async with self.sessions() as session:
            session.add(DeletedSubjectRow(subject_digest=subject_digest(user_id), deleted_at=now))
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()  # tombstoned by an earlier attempt
        await self._purge(user_id)

    async def _purge(self, user_id: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(HistoryRow).where(HistoryRow.user_id == user_id))
            await session.execute(delete(ProfileRow).where(ProfileRow.user_id == user_id))

    async def record_scan(self, entry: HistoryEntry) -> bool:
        """Adds the scan's history row, or updates what it says (an answered question changes the
        category); True when the row is new. Another user's row with the same scan id is left alone;
        a deleted account gets no row."""
        if await self.is_deleted(entry.user_id):
            return False
        add = _ADD_ENTRY[self.statements.dialect.name]
        async with self.statements.begin() as connection:
            added = (await connection.execute(add, asdict(entry))).first() is not None
        if added:
            return not await self._purged_if_deleted(entry.user_id)
        # Recorded before (a redelivery, an answered question): this call's values apply.
        async with self.statements.begin() as connection:
            await connection.execute(
                _UPDATE_ENTRY,
                {
                    "b_scan_id": entry.scan_id,
                    "b_user_id": entry.user_id,
                    "category_code": entry.category_code,
                    "item": entry.item,
                    "confidence": entry.confidence,
                },
            )
        return False

    async def list_history(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[HistoryEntry]:
        query = select(HistoryRow).where(HistoryRow.user_id == user_id)
        if after is not None:
            when, scan_id = after
            query = query.where(
                or_(
                    HistoryRow.scanned_at < when,
                    and_(HistoryRow.scanned_at == when, HistoryRow.scan_id < scan_id),
                )
            )
        query = query.order_by(HistoryRow.scanned_at.desc(), HistoryRow.scan_id.desc()).limit(limit)
        async with self.reads() as session:
            return [_entry(row) for row in (await session.scalars(query)).all()]

    async def scan_times_and_counts(self, user_id: str) -> tuple[list[datetime], dict[str, int]]:
        # One SELECT, so the times and the counts always agree.
        query = select(HistoryRow.scanned_at, HistoryRow.category_code).where(HistoryRow.user_id == user_id)
        async with self.reads() as session:
            rows = (await session.execute(query)).all()
        return [when for when, _ in rows], dict(Counter(code for _, code in rows))
