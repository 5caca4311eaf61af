"""Kakao Local API client (keyword and category place search) over httpx.AsyncClient.

Responses are mapped field for field; Kakao sends coordinates and distance as strings. Errors come
as `{"errorType": ..., "message": ...}`: 400 is our mistake, 401/403 a key or app-setting problem
(never retried), 429 and 5xx are retried a bounded number of times, honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

KEYWORD_PATH = "/v2/local/search/keyword.json"
CATEGORY_PATH = "/v2/local/search/category.json"
# Kakao's documented parameter ranges.
MAX_RADIUS_M = 20_000
MAX_PAGE = 45
MAX_SIZE = 15
CATEGORY_GROUPS = frozenset("MT1 CS2 PS3 SC4 AC5 PK6 OL7 SW8 BK9 CT1 AG2 PO3 AT4 AD5 FD6 CE7 HP8 PM9".split())


class KakaoError(Exception):
    retryable = False

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(f"Kakao Local {status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.message = message


class KakaoBadRequest(KakaoError):
    """400: a parameter Kakao refused; retrying cannot help."""


class KakaoAuthError(KakaoError):
    """401/403: wrong or missing REST key, or the app has no Local API permission."""


class KakaoRateLimited(KakaoError):
    retryable = True


class KakaoUnavailable(KakaoError):
    """5xx or no answer at all."""

    retryable = True


@dataclass(frozen=True)
class Place:
    id: str
    place_name: str
    category_name: str
    category_group_code: str
    category_group_name: str
    phone: str
    address_name: str
    road_address_name: str
    x: float
    y: float
    place_url: str
    # Metres from the centre; Kakao sends "" when no x/y was given.
    distance: int | None

    @property
    def lat(self) -> float:
        return self.y

    @property
    def lon(self) -> float:
        return self.x


@dataclass(frozen=True)
class Meta:
    total_count: int
    pageable_count: int
    is_end: bool


@dataclass(frozen=True)
class SearchPage:
    meta: Meta
    documents: list[Place]


def _place(doc: dict[str, Any]) -> Place:
    distance = str(doc.get("distance") or "")
    return Place(
        id=str(doc["id"]),
        place_name=doc.get("place_name", ""),
        category_name=doc.get("category_name", ""),
        category_group_code=doc.get("category_group_code", ""),
        category_group_name=doc.get("category_group_name", ""),
        phone=doc.get("phone", ""),
        address_name=doc.get("address_name", ""),
        road_address_name=doc.get("road_address_name", ""),
        x=float(doc["x"]),
        y=float(doc["y"]),
        place_url=doc.get("place_url", ""),
        distance=int(distance) if distance.isdigit() else None,
    )


def parse_page(body: dict[str, Any]) -> SearchPage:
    meta = body["meta"]
    return SearchPage(
        Meta(int(meta["total_count"]), int(meta["pageable_count"]), bool(meta["is_end"])),
        [_place(doc) for doc in body.get("documents", [])],
    )


def _check_area(lat: float, lon: float, radius_m: int, page: int, size: int) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("lat/lon out of range")
    if not 0 <= radius_m <= MAX_RADIUS_M:
        raise ValueError(f"Kakao radius must be 0..{MAX_RADIUS_M} m")
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"Kakao page must be 1..{MAX_PAGE}")
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"Kakao size must be 1..{MAX_SIZE}")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _error(response: httpx.Response) -> KakaoError:
    try:
        body = response.json()
        error_type, message = str(body.get("errorType", "")), str(body.get("message", ""))
    except ValueError:
        error_type, message = "", response.text[:200]
    status = response.status_code
    if status in (401, 403):
        return KakaoAuthError(status, error_type, message)
    if status == 429:
        return KakaoRateLimited(status, error_type, message)
    if status >= 500:
        return KakaoUnavailable(status, error_type, message)
    return KakaoBadRequest(status, error_type, message)


class KakaoLocal:
    def __init__(
        self,
        http: httpx.AsyncClient,
        api_key: str,
        *,
        max_attempts: int = 3,
        backoff_s: float = 0.2,
        max_wait_s: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not api_key:
            raise ValueError("a Kakao REST API key is required")
        self.http = http
        self.api_key = api_key
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.sleep = sleep

    @classmethod
    def create(cls, base_url: str, api_key: str, timeout_s: float = 5.0, **kwargs: Any) -> KakaoLocal:
        return cls(httpx.AsyncClient(base_url=base_url, timeout=timeout_s), api_key, **kwargs)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def keyword(
        self,
        query: str,
        *,
        lat: float,
        lon: float,
        radius_m: int,
        page: int = 1,
        size: int = MAX_SIZE,
        sort: str = "distance",
        category_group_code: str | None = None,
    ) -> SearchPage:
        if not query.strip():
            raise ValueError("query must not be empty")
        _check_area(lat, lon, radius_m, page, size)
        params: dict[str, Any] = {"query": query, "x": lon, "y": lat, "radius": radius_m}
        params |= {"page": page, "size": size, "sort": sort}
        if category_group_code:
            params["category_group_code"] = category_group_code
        return parse_page(await self._get(KEYWORD_PATH, params))

    async def category(
        self,
        category_group_code: str,
        *,
        lat: float,
        lon: float,
        radius_m: int,
        page: int = 1,
        size: int = MAX_SIZE,
        sort: str = "distance",
    ) -> SearchPage:
        if category_group_code not in CATEGORY_GROUPS:
            raise ValueError(f"unknown Kakao category_group_code {category_group_code!r}")
        _check_area(lat, lon, radius_m, page, size)
        params: dict[str, Any] = {"category_group_code": category_group_code, "x": lon, "y": lat}
        params |= {"radius": radius_m, "page": page, "size": size, "sort": sort}
        return parse_page(await self._get(CATEGORY_PATH, params))

    async def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"KakaoAK {self.api_key}"}
        last: KakaoError | None = None
        for attempt in range(1, self.max_attempts + 1):
            wait: float | None = None
            try:
                response = await self.http.get(path, params=params, headers=headers)
            except httpx.TransportError as exc:
                last = KakaoUnavailable(0, type(exc).__name__, str(exc) or "no response")
            else:
                if response.status_code == 200:
                    return response.json()
                last = _error(response)
                if not last.retryable:
                    raise last
                wait = _retry_after(response)
            if attempt == self.max_attempts:
                break
            delay = min(self.max_wait_s, wait if wait is not None else self.backoff_s * 2 ** (attempt - 1))
            log.warning("Kakao Local call failed, retrying in %.2fs: %s", delay, last)
            await self.sleep(delay)
        assert last is not None
        raise last
