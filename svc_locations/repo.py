"""SQL for svc_locations: upserts, lookups and the spatial prefilter of the nearest-k search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import TextClause

from mesh.db import UtcDateTime, is_postgres, session_factory
from svc_locations import domain
from svc_locations.domain import DropOff, Found, NearbyQuery
from svc_locations.models import DropOffAcceptRow, DropOffRow

# earthdistance measures on a sphere of earth() = 6,378,168 m; haversine uses the mean radius. The
# SQL box is widened by the ratio (and a margin) so it always holds the haversine circle.
_PG_EARTH_M = 6_378_168.0
_PG_BOX_SCALE = _PG_EARTH_M / domain.EARTH_RADIUS_M * 1.01
# The first search ring; dense city data answers from it, sparse areas grow it (domain.search_radii).
FIRST_RING_M = 1000
_UPSERT_CHUNK = 2000

_COLUMNS = (
    "id, name, kind, lat, lon, accepts, address, opening_hours, source, licence, accepts_raw, updated_at, "
    "phone, url"
)
# Without a category the search reads keys and coordinates only; full rows follow for the final `limit`.
# SQL is written per driver (sqlite3 `?`, asyncpg `$n`) because it runs on the raw driver connection:
# SQLAlchemy's per-statement overhead was most of the latency budget.
_SQLITE_BOX = (
    "SELECT d.pk, d.id, d.lat, d.lon FROM dropoffs_rtree r JOIN dropoffs d ON d.pk = r.pk "
    "WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ?"
)
# Repeats the indexed expression ll_to_earth(lat, lon) verbatim so the GiST index serves it.
_PG_BOX = (
    "SELECT pk, id, lat, lon FROM dropoffs WHERE earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(lat, lon)"
)
# With a category, the per-category index answers: the filter runs inside the index, not after it.
# In the first ring a category narrows the candidates to a few dozen, so they carry their full rows
# (after the four key columns) and the second round trip for the final rows is saved. Wider rings
# in sparse areas can match thousands: those read keys only.
_D_COLUMNS = ", ".join(f"d.{column.strip()}" for column in _COLUMNS.split(","))
_SQLITE_CATEGORY_BOX = (
    "SELECT d.pk, d.id, d.lat, d.lon{full} "
    "FROM dropoff_accepts_rtree r JOIN dropoffs d ON d.pk = r.id >> 6 "
    "WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ? "
    "AND r.min_cat <= ? AND r.max_cat >= ?"
)
_PG_CATEGORY_BOX = (
    "SELECT a.pk, d.id, a.lat, a.lon{full} "
    "FROM dropoff_accepts a JOIN dropoffs d ON d.pk = a.pk "
    "WHERE a.category = $4 AND earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(a.lat, a.lon)"
)
_FULL = f", d.pk, {_D_COLUMNS}"
_CATEGORY_SQL = {
    (postgres, full): (_PG_CATEGORY_BOX if postgres else _SQLITE_CATEGORY_BOX).format(
        full=_FULL if full else ""
    )
    for postgres in (False, True)
    for full in (False, True)
}
_SQLITE_ROWS = f"SELECT pk, {_COLUMNS} FROM dropoffs WHERE pk IN ({{marks}})"
_PG_ROWS = f"SELECT pk, {_COLUMNS} FROM dropoffs WHERE pk = ANY($1::int[])"


def _typed(sql: str) -> TextClause:
    # SQLite hands datetimes back as text; typing the column runs UtcDateTime's conversion.
    return text(sql).columns(updated_at=UtcDateTime())


def _utc(value: datetime | str) -> datetime:
    """A raw driver's timestamp: asyncpg gives aware datetimes, sqlite3 gives SQLAlchemy's text form."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _raw_place(row: Sequence[Any]) -> DropOff:
    _pk, pid, name, kind, lat, lon, accepts, address, hours, source, licence, raw, updated, phone, url = row
    return DropOff(
        pid,
        name,
        kind,
        lat,
        lon,
        domain.decode_accepts(accepts),
        address,
        hours,
        source,
        licence,
        raw,
        _utc(updated),
        phone,
        url,
    )


def _place(row: Any) -> DropOff:
    return DropOff(
        id=row.id,
        name=row.name,
        kind=row.kind,
        lat=row.lat,
        lon=row.lon,
        accepts=domain.decode_accepts(row.accepts),
        address=row.address,
        opening_hours=row.opening_hours,
        source=row.source,
        licence=row.licence,
        accepts_raw=row.accepts_raw,
        updated_at=row.updated_at,
        phone=row.phone,
        url=row.url,
    )


def _values(place: DropOff) -> dict[str, Any]:
    return {
        "id": place.id,
        "source": place.source,
        "kind": place.kind,
        "name": place.name,
        "address": place.address,
        "lat": place.lat,
        "lon": place.lon,
        "accepts": domain.encode_accepts(place.accepts),
        "accepts_raw": place.accepts_raw,
        "opening_hours": place.opening_hours,
        "phone": place.phone,
        "url": place.url,
        "licence": place.licence,
        "updated_at": place.updated_at,
    }


class LocationsRepo:
    def __init__(self, engine: AsyncEngine, first_ring_m: int = FIRST_RING_M) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.postgres = is_postgres(engine)
        self.first_ring_m = first_ring_m
        self._all = _typed(f"SELECT {_COLUMNS} FROM dropoffs")

    async def upsert(self, places: Iterable[DropOff]) -> int:
        """Insert or update by the stable id; the surrogate pk (and so the spatial index key) stays."""
        rows = [_values(p) for p in places]
        if not rows:
            return 0
        insert = (pg_insert if self.postgres else sqlite_insert)(DropOffRow)
        # One statement, executemany over the rows: compiling a multi-VALUES statement per chunk was
        # the slow part of a 100k-point load.
        statement = insert.on_conflict_do_update(
            index_elements=["id"], set_={k: insert.excluded[k] for k in rows[0] if k != "id"}
        )
        async with self.engine.begin() as conn:
            for start in range(0, len(rows), _UPSERT_CHUNK):
                chunk = rows[start : start + _UPSERT_CHUNK]
                await conn.execute(statement, chunk)
                await self._index_categories(conn, [r["id"] for r in chunk])
        return len(rows)

    async def _index_categories(self, conn: Any, ids: list[str]) -> None:
        """Rewrites the per-category index rows of these points (their categories may have changed)."""
        found = await conn.execute(
            select(DropOffRow.pk, DropOffRow.lat, DropOffRow.lon, DropOffRow.accepts).where(
                DropOffRow.id.in_(ids)
            )
        )
        points = found.all()
        await conn.execute(delete(DropOffAcceptRow).where(DropOffAcceptRow.pk.in_([p.pk for p in points])))
        entries = [
            {
                "pk": p.pk,
                "category": code,
                "cat_no": domain.CATEGORIES.index(code),
                "lat": p.lat,
                "lon": p.lon,
            }
            for p in points
            for code in domain.decode_accepts(p.accepts)
            if code in domain.CATEGORIES
        ]
        if entries:
            await conn.execute(insert(DropOffAcceptRow), entries)

    async def get(self, location_id: str) -> DropOff | None:
        async with self.sessions() as session:
            row = (await session.execute(select(DropOffRow).where(DropOffRow.id == location_id))).scalar()
            return _place(row) if row else None

    async def get_many(self, ids: Sequence[str]) -> dict[str, DropOff]:
        if not ids:
            return {}
        async with self.sessions() as session:
            rows = (await session.scalars(select(DropOffRow).where(DropOffRow.id.in_(list(ids))))).all()
            return {row.id: _place(row) for row in rows}

    async def count(self, source: str | None = None) -> int:
        query = select(func.count()).select_from(DropOffRow)
        if source is not None:
            query = query.where(DropOffRow.source == source)
        async with self.sessions() as session:
            return int((await session.execute(query)).scalar_one())

    async def count_by_source(self) -> dict[str, int]:
        query = select(DropOffRow.source, func.count()).group_by(DropOffRow.source)
        async with self.sessions() as session:
            return {source: n for source, n in (await session.execute(query)).all()}

    async def delete_source(self, source: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(DropOffRow).where(DropOffRow.source == source))

    async def find_nearby(self, query: NearbyQuery) -> list[Found]:
        """Nearest `limit` accepting the category within the radius; exact, whatever ring answers."""
        async with self.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            try:
                top, places = await self._search(driver, query)
            except Exception as exc:
                closed = getattr(driver, "is_closed", None)
                if callable(closed) and closed():
                    # The server dropped the connection: SQLAlchemy did not see it on this raw path,
                    # so say it plainly (an outage, retried) instead of the driver's confused state.
                    await conn.invalidate()
                    raise ConnectionResetError("database connection lost") from exc
                raise
        return [Found(places[pk], distance) for distance, _, pk in top]

    async def _search(
        self, driver: Any, query: NearbyQuery
    ) -> tuple[list[tuple[float, str, int]], dict[int, DropOff]]:
        hits: list[tuple[float, str, int]] = []
        full = False
        for number, ring in enumerate(domain.search_radii(query.radius_m, self.first_ring_m)):
            full = bool(query.category) and number == 0
            keys = await self._candidate_keys(driver, query.lat, query.lon, ring, query.category, full)
            hits = domain.rank_keys(keys, query.lat, query.lon, ring)
            if domain.enough(hits, query.limit):
                break
        top = hits[: query.limit]
        if full:
            by_pk = {row[0]: row for row in keys}
            places = {pk: _raw_place(tuple(by_pk[pk])[4:]) for _, _, pk in top}
        else:
            places = await self._rows(driver, [pk for _, _, pk in top])
        return top, places

    async def _candidate_keys(
        self, driver: Any, lat: float, lon: float, radius_m: float, category: str, full: bool
    ) -> Sequence[Sequence[Any]]:
        if self.postgres:
            args: list[Any] = [lat, lon, radius_m * _PG_BOX_SCALE + 1.0]
            if category:
                return await driver.fetch(_CATEGORY_SQL[True, full], *args, category)
            return await driver.fetch(_PG_BOX, *args)
        box = domain.bounding_box(lat, lon, radius_m)
        params: list[Any] = [box.max_lat, box.min_lat, box.max_lon, box.min_lon]
        if category:
            number = domain.CATEGORIES.index(category)
            return await driver.execute_fetchall(_CATEGORY_SQL[False, full], [*params, number, number])
        return await driver.execute_fetchall(_SQLITE_BOX, params)

    async def _rows(self, driver: Any, pks: list[int]) -> dict[int, DropOff]:
        if not pks:
            return {}
        if self.postgres:
            rows = await driver.fetch(_PG_ROWS, pks)
        else:
            rows = await driver.execute_fetchall(_SQLITE_ROWS.format(marks=",".join("?" * len(pks))), pks)
        return {row[0]: _raw_place(row) for row in rows}

    async def all_places(self) -> Sequence[DropOff]:
        async with self.sessions() as session:
            return [_place(row) for row in await session.execute(self._all)]
