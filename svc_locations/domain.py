"""Pure rules for drop-off points: categories, kinds, validation, the one definition of distance."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from mesh.errors import InvalidInput

# Stable API codes; the coach and vision services speak the same ones (vision/labels.py,
# svc_coach/knowledge/categories.yaml: tests/unit/test_category_codes.py holds them equal).
# APPEND ONLY, AT MOST 64: a code's position is stored, as the drop-off index id pk*64+position
# (migration locations_0002). Reordering or removing a code silently re-labels stored drop-offs.
CATEGORIES = (
    "paper",
    "paper_pack",
    "glass",
    "can_metal",
    "plastic",
    "clear_pet",
    "vinyl",
    "styrofoam",
    "food",
    "textiles",
    "battery",
    "lamp",
    "medicine",
    "small_electronics",
    "large_appliance",
    "bulky",
    "general",
    "non_combustible",
    "hazardous",
    "cooking_oil",
)
KINDS = (
    "recycling_station",
    "clothing_bin",
    "battery_lamp_box",
    "medicine_box",
    "zero_waste_shop",
    "recycling_centre",
    "e_waste_dropoff",
    # Only the labelled demo set outside production uses it.
    "demo",
)

# Mean earth radius (IUGG); haversine with it is the definition of distance on both backends.
EARTH_RADIUS_M = 6_371_008.8
DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# South Korea's extent; the importer rejects points outside it.
KOREA_LAT = (33.0, 39.0)
KOREA_LON = (124.0, 132.0)


@dataclass(frozen=True)
class DropOff:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    accepts: tuple[str, ...]
    address: str
    opening_hours: str
    source: str
    licence: str
    accepts_raw: str
    updated_at: datetime
    phone: str = ""
    url: str = ""


@dataclass(frozen=True)
class Found:
    place: DropOff
    distance_m: float


@dataclass(frozen=True)
class NearbyQuery:
    lat: float
    lon: float
    category: str
    radius_m: int
    limit: int


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def nearby_query(lat: float, lon: float, category: str, radius_m: int, limit: int) -> NearbyQuery:
    """Validates a FindNearby request; zero radius or limit means the default (proto3 has no absent int)."""
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise InvalidInput("lat must be within [-90, 90]")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise InvalidInput("lon must be within [-180, 180]")
    radius = radius_m or DEFAULT_RADIUS_M
    if not 1 <= radius <= MAX_RADIUS_M:
        raise InvalidInput(f"radius_m must be within 1..{MAX_RADIUS_M}")
    size = limit or DEFAULT_LIMIT
    if not 1 <= size <= MAX_LIMIT:
        raise InvalidInput(f"limit must be within 1..{MAX_LIMIT}")
    return NearbyQuery(lat, lon, clean_category(category), radius, size)


def clean_category(category: str) -> str:
    """Empty means any category."""
    if category and category not in CATEGORIES:
        raise InvalidInput(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    return category


def clean_id(location_id: str) -> str:
    if not location_id or len(location_id) > 128:
        raise InvalidInput("id must be 1 to 128 characters")
    return location_id


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, radius_m: float, margin: float = 1.01) -> Box:
    """A lat/lon box holding every point within radius_m (haversine), enlarged by `margin`.

    It is only a prefilter: callers keep exactly the points that haversine_m puts inside the radius.
    Near a pole or across the antimeridian the box widens to all longitudes, which stays correct.
    """
    angle = radius_m * margin / EARTH_RADIUS_M
    dlat = math.degrees(angle)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0 or angle >= math.pi / 2:
        return Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The widest longitude span of a spherical cap: asin(sin(angle) / cos(lat)).
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(math.asin(ratio))
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return Box(min_lat, max_lat, -180.0, 180.0)
    return Box(min_lat, max_lat, lon - dlon, lon + dlon)


def accepts_category(place: DropOff, category: str) -> bool:
    return not category or category in place.accepts


def rank(candidates: list[DropOff], lat: float, lon: float, radius_m: float, category: str) -> list[Found]:
    """Exact filter and order: haversine within the radius, nearest first, id breaking ties."""
    found = []
    for place in candidates:
        if not accepts_category(place, category):
            continue
        distance = haversine_m(lat, lon, place.lat, place.lon)
        if distance <= radius_m:
            found.append(Found(place, distance))
    found.sort(key=lambda f: (f.distance_m, f.place.id))
    return found


def rank_keys(
    rows: Sequence[Sequence[Any]], lat: float, lon: float, radius_m: float
) -> list[tuple[float, str, int]]:
    """`rank` for (pk, id, lat, lon, …) rows filtered by category: (distance, id, pk), nearest first."""
    hits = []
    for row in rows:
        pk, pid, plat, plon = row[0], row[1], row[2], row[3]
        distance = haversine_m(lat, lon, plat, plon)
        if distance <= radius_m:
            hits.append((distance, pid, pk))
    hits.sort()
    return hits


def search_radii(radius_m: int, first_m: int) -> list[int]:
    """Growing search rings for nearest-k: a dense area answers from a small box, a sparse one widens.

    The last ring is always the requested radius, so the answer equals one search at full radius.
    """
    radii = []
    r = min(first_m, radius_m)
    while r < radius_m:
        radii.append(r)
        r *= 4
    radii.append(radius_m)
    return radii


def enough(found: Sequence[object], limit: int) -> bool:
    """Every point nearer than the ring's radius was a candidate, so `limit` hits inside it are final."""
    return len(found) >= limit


def map_url(name: str, lat: float, lon: float) -> str:
    # A comma in the name would split Kakao's name,lat,lon triple, so the name is percent-encoded.
    return f"https://map.kakao.com/link/to/{quote(name, safe='')},{lat},{lon}"


def in_korea(lat: float, lon: float) -> bool:
    return KOREA_LAT[0] <= lat <= KOREA_LAT[1] and KOREA_LON[0] <= lon <= KOREA_LON[1]


def encode_accepts(categories: tuple[str, ...] | list[str]) -> str:
    """Stored as `|a|b|` so one LIKE '%|code|%' filters a category in SQL on both backends."""
    return "|" + "|".join(categories) + "|" if categories else ""


def decode_accepts(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part)
