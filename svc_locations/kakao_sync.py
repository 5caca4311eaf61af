"""Caches Kakao Local places as drop-off points; runs as a q.api job.

`handle_kakao_sync(body, ctx, client=..., repo=...)` takes the job body as published; a consumer
binds client and repo once (see `kakao_sync_handler`) and calls it per message.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mesh.errors import InvalidInput
from svc_locations import domain
from svc_locations.domain import DropOff
from svc_locations.kakao import MAX_PAGE, MAX_RADIUS_M, KakaoLocal, Place
from svc_locations.repo import LocationsRepo

SOURCE = "kakao_local"
LICENCE = "Kakao Local API terms"
# A sync refreshes the neighbourhood, not the country: three pages of 15 are plenty.
DEFAULT_MAX_PAGES = 3
_KIND_BY_CATEGORY = {
    "battery": "battery_lamp_box",
    "lamp": "battery_lamp_box",
    "medicine": "medicine_box",
    "small_electronics": "e_waste_dropoff",
    "large_appliance": "e_waste_dropoff",
    "textiles": "clothing_bin",
}


@dataclass(frozen=True)
class SyncResult:
    query: str
    category: str
    pages: int
    fetched: int
    stored: int


def kind_for(category: str) -> str:
    return _KIND_BY_CATEGORY.get(category, "recycling_centre")


def to_dropoff(place: Place, category: str, now: datetime, known: DropOff | None) -> DropOff:
    # A place synced for `battery` and later for `lamp` accepts both: merge, never narrow.
    accepts = tuple(dict.fromkeys((*(known.accepts if known else ()), category)))
    return DropOff(
        id=f"{SOURCE}:{place.id}",
        name=place.place_name,
        kind=known.kind if known else kind_for(category),
        lat=place.lat,
        lon=place.lon,
        accepts=accepts,
        address=place.road_address_name or place.address_name,
        opening_hours="",
        source=SOURCE,
        licence=LICENCE,
        accepts_raw=place.category_name,
        updated_at=now,
        phone=place.phone,
        url=place.place_url,
    )


async def sync_places(
    client: KakaoLocal,
    repo: LocationsRepo,
    query: str,
    lat: float,
    lon: float,
    radius_m: int,
    category: str,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    now: datetime | None = None,
) -> SyncResult:
    """Keyword-searches around (lat, lon) and upserts every place found, page by page until Kakao
    says is_end or max_pages is reached. Places outside Korea's box are skipped like import rows."""
    category = domain.clean_category(category)
    if not category:
        raise InvalidInput("category is required: it says what the synced places accept")
    when = now or datetime.now(UTC)
    pages = fetched = stored = 0
    for page in range(1, min(max_pages, MAX_PAGE) + 1):
        result = await client.keyword(
            query, lat=lat, lon=lon, radius_m=min(radius_m, MAX_RADIUS_M), page=page
        )
        pages += 1
        fetched += len(result.documents)
        usable = [p for p in result.documents if domain.in_korea(p.lat, p.lon)]
        known = await repo.get_many([f"{SOURCE}:{p.id}" for p in usable])
        stored += await repo.upsert(
            to_dropoff(p, category, when, known.get(f"{SOURCE}:{p.id}")) for p in usable
        )
        if result.meta.is_end:
            break
    return SyncResult(query, category, pages, fetched, stored)


def _number(body: dict[str, Any], key: str, default: float | None = None) -> float:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{key} must be a number")
    return float(value)


async def handle_kakao_sync(
    body: dict[str, Any], ctx: Any = None, *, client: KakaoLocal, repo: LocationsRepo
) -> SyncResult:
    """Job body: {"query": "폐건전지 수거함", "lat": 37.56, "lon": 126.97, "radius_m": 2000,
    "category": "battery", "max_pages": 3}. A malformed body raises InvalidInput; Kakao failures
    raise KakaoError subclasses (`retryable` says whether redelivery can help)."""
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("query must be a non-empty string")
    lat, lon = _number(body, "lat"), _number(body, "lon")
    radius = int(_number(body, "radius_m", domain.DEFAULT_RADIUS_M))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("lat/lon out of range")
    if not 1 <= radius <= MAX_RADIUS_M:
        raise InvalidInput(f"radius_m must be within 1..{MAX_RADIUS_M} (Kakao's limit)")
    max_pages = int(_number(body, "max_pages", DEFAULT_MAX_PAGES))
    if not 1 <= max_pages <= MAX_PAGE:
        raise InvalidInput(f"max_pages must be within 1..{MAX_PAGE}")
    category = body.get("category")
    if not isinstance(category, str):
        raise InvalidInput("category must be a category code")
    return await sync_places(client, repo, query.strip(), lat, lon, radius, category, max_pages=max_pages)


def kakao_sync_handler(
    client: KakaoLocal, repo: LocationsRepo
) -> Callable[[dict[str, Any], Any], Awaitable[None]]:
    """The (body, ctx) handler shape of mesh.jobs, for the q.api consumer."""

    async def handle(body: dict[str, Any], ctx: Any) -> None:
        await handle_kakao_sync(body, ctx, client=client, repo=repo)

    return handle
