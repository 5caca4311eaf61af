"""SQL for svc_waste."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from mesh.db import read_session_factory, single_statement_engine
from mesh.errors import Conflict, NotFound
from mesh.tombstone import subject_digest
from svc_waste.domain import PROCESSING, QUEUED, Feedback, Scan
from svc_waste.models import DeletedSubjectRow, FeedbackRow, ScanRow

_FIELDS = [f.name for f in fields(Scan)]
_FEEDBACK_FIELDS = [f.name for f in fields(Feedback)]
# Optimistic-locking attempts before a transition gives up as contended.
_ATTEMPTS = 5


def _scan(row: ScanRow) -> Scan:
    return Scan(**{name: getattr(row, name) for name in _FIELDS})


def _feedback(row: FeedbackRow) -> Feedback:
    return Feedback(**{name: getattr(row, name) for name in _FEEDBACK_FIELDS})


# The scan's hot path (create, read, transition) in Core statements built once: every scan runs
# them several times, and an ORM session costs more CPU than the round trip it wraps.
_SCANS = ScanRow.__table__
_GET = select(*(_SCANS.c[name] for name in _FIELDS)).where(_SCANS.c.id == bindparam("scan_id"))
_BY_KEY = select(*(_SCANS.c[name] for name in _FIELDS)).where(
    _SCANS.c.user_id == bindparam("user_id"), _SCANS.c.idempotency_key == bindparam("key")
)
_INSERT = insert(_SCANS)
_CHANGED = [name for name in _FIELDS if name not in ("id", "published_at")]
# Writes a change only if the row is still at the version it was read at (optimistic locking).
_UPDATE = (
    update(_SCANS)
    .where(_SCANS.c.id == bindparam("b_id"), _SCANS.c.version == bindparam("b_version"))
    .values({name: bindparam(f"v_{name}") for name in _CHANGED})
)
_DELETED = select(DeletedSubjectRow.__table__.c.subject_digest).where(
    DeletedSubjectRow.__table__.c.subject_digest == bindparam("digest")
)


class WasteRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions
        engine = sessions.kw["bind"]
        # Single SELECTs outside a transaction: no BEGIN/ROLLBACK round trips around each read.
        self.reads = read_session_factory(engine)
        self.statements = single_statement_engine(engine)

    async def _one(self, statement, params: dict) -> Scan | None:
        async with self.statements.connect() as connection:
            row = (await connection.execute(statement, params)).first()
        return Scan(**row._mapping) if row else None

    async def create(self, scan: Scan) -> tuple[Scan, bool]:
        """Inserts the scan; with a reused Idempotency-Key returns the earlier scan instead."""
        if scan.idempotency_key:
            earlier = await self.by_key(scan.user_id, scan.idempotency_key)
            if earlier is not None:
                return earlier, False
        try:
            async with self.statements.begin() as connection:
                await connection.execute(_INSERT, asdict(scan))
            return scan, True
        except IntegrityError:
            pass
        # Lost a race with a concurrent request carrying the same key.
        earlier = await self.by_key(scan.user_id, scan.idempotency_key or "")
        if earlier is None:
            raise Conflict("could not store the scan")
        return earlier, False

    async def by_key(self, user_id: str, key: str) -> Scan | None:
        return await self._one(_BY_KEY, {"user_id": user_id, "key": key})

    async def get(self, scan_id: str) -> Scan | None:
        return await self._one(_GET, {"scan_id": scan_id})

    async def _update(self, connection, current: Scan, changed: Scan) -> bool:
        """Writes `changed` only if the row is still at `current.version`; False when someone was faster."""
        values = {f"v_{name}": getattr(changed, name) for name in _CHANGED}
        result = await connection.execute(
            _UPDATE, {"b_id": current.id, "b_version": current.version, **values}
        )
        return result.rowcount == 1

    async def transition(self, scan_id: str, change: Callable[[Scan], Scan | None]) -> tuple[Scan, bool]:
        """Applies a domain transition with optimistic locking on `version`; returns (scan, changed)."""
        for _ in range(_ATTEMPTS):
            current = await self.get(scan_id)
            if current is None:
                raise NotFound("scan not found")
            changed = change(current)
            if changed is None:
                return current, False
            async with self.statements.begin() as connection:
                updated = await self._update(connection, current, changed)
            if updated:
                return changed, True
        raise Conflict("the scan is being changed concurrently; try again")

    async def answer(self, scan_id: str, change: Callable[[Scan], tuple[Scan, Feedback]]) -> Scan:
        """Stores an answered scan and its labelled example in one transaction.

        The version guard makes a concurrent second answer re-read the scan, where the domain finds
        the question already closed: exactly one answer applies and one example is kept.
        """
        for _ in range(_ATTEMPTS):
            current = await self.get(scan_id)
            if current is None:
                raise NotFound("scan not found")
            changed, example = change(current)
            async with self.sessions.begin() as session:
                if await self._update(await session.connection(), current, changed):
                    session.add(FeedbackRow(**asdict(example)))
                    return changed
        raise Conflict("the scan is being changed concurrently; try again")

    async def list_feedback(self, after: tuple[datetime, str] | None, limit: int) -> list[Feedback]:
        """Labelled examples, oldest first (a keyset page after the cursor's (answered_at, id))."""
        query = select(FeedbackRow)
        if after is not None:
            when, key = after
            query = query.where(
                or_(
                    FeedbackRow.answered_at > when,
                    and_(FeedbackRow.answered_at == when, FeedbackRow.id > key),
                )
            )
        query = query.order_by(FeedbackRow.answered_at, FeedbackRow.id).limit(limit)
        async with self.reads() as session:
            return [_feedback(row) for row in (await session.scalars(query)).all()]

    async def list_for_user(self, user_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Scan]:
        query = select(ScanRow).where(ScanRow.user_id == user_id)
        if after is not None:
            when, scan_id = after
            query = query.where(
                or_(ScanRow.created_at < when, and_(ScanRow.created_at == when, ScanRow.id < scan_id))
            )
        query = query.order_by(ScanRow.created_at.desc(), ScanRow.id.desc()).limit(limit)
        async with self.reads() as session:
            return [_scan(row) for row in (await session.scalars(query)).all()]

    async def mark_published(self, scan_id: str, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(ScanRow).where(ScanRow.id == scan_id).values(published_at=now))

    async def mark_unpublished(self, scan_id: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(ScanRow).where(ScanRow.id == scan_id).values(published_at=None))

    async def stalled(self, before: datetime, limit: int = 100) -> list[Scan]:
        """Unfinished scans with no progress since `before`: their job was neither (re)sent nor
        started by a worker since (a crash of the in-process queue, a message the broker lost)."""
        query = (
            select(ScanRow)
            .where(
                ScanRow.status.in_((QUEUED, PROCESSING)),
                ScanRow.published_at.is_not(None),
                ScanRow.published_at < before,
                ScanRow.updated_at < before,
            )
            .order_by(ScanRow.updated_at)
            .limit(limit)
        )
        async with self.reads() as session:
            return [_scan(row) for row in (await session.scalars(query)).all()]

    async def claim_redrive(self, scan: Scan, now: datetime) -> bool:
        """True for exactly one of the replicas that saw the same stalled scan: the one whose update
        still finds the publish time it read."""
        statement = (
            update(ScanRow)
            .where(ScanRow.id == scan.id, ScanRow.published_at == scan.published_at)
            .values(published_at=now)
        )
        async with self.sessions.begin() as session:
            return (await session.execute(statement)).rowcount == 1

    async def unpublished(self, older_than: datetime, limit: int = 100) -> list[Scan]:
        query = (
            select(ScanRow)
            .where(
                ScanRow.published_at.is_(None),
                ScanRow.status.in_((QUEUED, PROCESSING)),
                ScanRow.created_at < older_than,
            )
            .order_by(ScanRow.created_at)
            .limit(limit)
        )
        async with self.reads() as session:
            return [_scan(row) for row in (await session.scalars(query)).all()]

    async def finished_with_images(self, older_than: datetime, limit: int) -> list[Scan]:
        query = (
            select(ScanRow)
            .where(
                ScanRow.image_key != "",
                ScanRow.status.in_(("done", "failed")),
                ScanRow.created_at < older_than,
            )
            .order_by(ScanRow.created_at)
            .limit(limit)
        )
        async with self.reads() as session:
            return [_scan(row) for row in (await session.scalars(query)).all()]

    async def reclassifiable(self, current_model: str, limit: int) -> list[str]:
        query = (
            select(ScanRow.id)
            .where(
                ScanRow.status == "done",
                ScanRow.result_model != current_model,
                ScanRow.image_key != "",
                # A person's answer outranks any model: answered scans keep their result.
                ~exists().where(FeedbackRow.scan_id == ScanRow.id),
            )
            .order_by(ScanRow.created_at)
            .limit(limit)
        )
        async with self.reads() as session:
            return list((await session.scalars(query)).all())

    async def is_deleted(self, user_id: str) -> bool:
        async with self.statements.connect() as connection:
            found = await connection.execute(_DELETED, {"digest": subject_digest(user_id)})
            return found.first() is not None

    async def tombstone(self, user_id: str, now: datetime) -> None:
        """Marks the account deleted; committed on its own, before its rows go: a writer that checks
        after its write then either sees it, or wrote early enough for the delete to see the row."""
        async with self.sessions() as session:
            session.add(DeletedSubjectRow(subject_digest=subject_digest(user_id), deleted_at=now))
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()  # tombstoned by an earlier attempt

    async def delete_user(self, user_id: str) -> list[tuple[str, str]]:
        """Deletes the user's scans and labelled examples; returns the (scan id, image key) pairs of
        exactly the rows deleted (one statement: a scan committed meanwhile is either deleted and
        named, or not deleted), so the caller removes their images."""
        async with self.sessions.begin() as session:
            # Scans first: an answer in flight then finds no scan to label, so no example written
            # after the examples' delete can outlive the account.
            rows = await session.execute(
                delete(ScanRow).where(ScanRow.user_id == user_id).returning(ScanRow.id, ScanRow.image_key)
            )
            await session.execute(delete(FeedbackRow).where(FeedbackRow.user_id == user_id))
            return [(scan_id, key) for scan_id, key in rows.all()]

    async def referenced_images(self, keys: list[str]) -> set[str]:
        """Those of the keys a scan still points to."""
        if not keys:
            return set()
        async with self.reads() as session:
            rows = await session.scalars(select(ScanRow.image_key).where(ScanRow.image_key.in_(keys)))
            return set(rows.all())
