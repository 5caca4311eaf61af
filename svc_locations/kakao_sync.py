"""Caches Kakao Local places as drop-off points; runs as a q.api job.

`handle_kakao_sync(body, ctx, client=..., repo=...)` takes the job body as published; a consumer
binds client and repo once (see `kakao_sync_handler`) and calls it per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

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
