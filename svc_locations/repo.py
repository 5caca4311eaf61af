"""SQL for svc_locations: upserts, lookups and the spatial prefilter of the nearest-k search."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.sql.elements import TextClause

from mesh.db import UtcDateTime
from svc_locations import domain
from svc_locations.domain import DropOff, Found, NearbyQuery
from svc_locations.models import DropOffRow

# earthdistance measures on a sphere of earth() = 6,378,168 m; haversine uses the mean radius. The
# SQL box is widened by the ratio (and a margin) so it always holds the haversine circle.
_PG_EARTH_M = 6_378_168.0
_PG_BOX_SCALE = _PG_EARTH_M / domain.EARTH_RADIUS_M * 1.01
# The first search ring; dense city data answers from it, sparse areas grow it (domain.search_radii).
FIRST_RING_M = 1000
_UPSERT_CHUNK = 500

_COLUMNS = (
    "id, name, kind, lat, lon, accepts, address, opening_hours, source, licence, accepts_raw, updated_at, "
    "phone, url"
)
_SQLITE_BOX = (
    f"SELECT {_COLUMNS} FROM dropoffs_rtree r JOIN dropoffs d ON d.pk = r.pk "
    "WHERE r.min_lat <= :max_lat AND r.max_lat >= :min_lat "
    "AND r.min_lon <= :max_lon AND r.max_lon >= :min_lon"
)
# Repeats the indexed expression ll_to_earth(lat, lon) verbatim so the GiST index serves it.
_PG_BOX = (
    f"SELECT {_COLUMNS} FROM dropoffs "
    "WHERE earth_box(ll_to_earth(:lat, :lon), :box_m) @> ll_to_earth(lat, lon)"
)
_CATEGORY = " AND accepts LIKE :pattern"


def _typed(sql: str) -> TextClause:
    # SQLite hands datetimes back as text; typing the column runs UtcDateTime's conversion.
    return text(sql).columns(updated_at=UtcDateTime())


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
    def __init__(
        self, sessions: async_sessionmaker, postgres: bool, first_ring_m: int = FIRST_RING_M
    ) -> None:
        self.sessions = sessions
        self.postgres = postgres
        self.first_ring_m = first_ring_m
        base = _PG_BOX if postgres else _SQLITE_BOX
        self._box_sql = {False: _typed(base), True: _typed(base + _CATEGORY)}

    async def upsert(self, places: Iterable[DropOff]) -> int:
        """Insert or update by the stable id; the surrogate pk (and so the spatial index key) stays."""
        rows = [_values(p) for p in places]
        insert = pg_insert if self.postgres else sqlite_insert
        async with self.sessions.begin() as session:
            for start in range(0, len(rows), _UPSERT_CHUNK):
                chunk = rows[start : start + _UPSERT_CHUNK]
                statement = insert(DropOffRow).values(chunk)
                changed = {k: statement.excluded[k] for k in chunk[0] if k != "id"}
                await session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=changed))
        return len(rows)

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
        async with self.sessions() as session:
            found: list[Found] = []
            for ring in domain.search_radii(query.radius_m, self.first_ring_m):
                candidates = await self._candidates(session, query.lat, query.lon, ring, query.category)
                found = domain.rank(candidates, query.lat, query.lon, ring, query.category)
                if domain.enough(found, query.limit):
                    break
            return found[: query.limit]

    async def _candidates(
        self, session: Any, lat: float, lon: float, radius_m: float, category: str
    ) -> list[DropOff]:
        params: dict[str, Any]
        if self.postgres:
            params = {"lat": lat, "lon": lon, "box_m": radius_m * _PG_BOX_SCALE + 1.0}
        else:
            box = domain.bounding_box(lat, lon, radius_m)
            params = {"min_lat": box.min_lat, "max_lat": box.max_lat}
            params |= {"min_lon": box.min_lon, "max_lon": box.max_lon}
        if category:
            params["pattern"] = f"%|{category}|%"
        result = await session.execute(self._box_sql[bool(category)], params)
        return [_place(row) for row in result]

    async def all_places(self) -> Sequence[DropOff]:
        async with self.sessions() as session:
            return [_place(row) for row in await session.execute(_typed(f"SELECT {_COLUMNS} FROM dropoffs"))]
