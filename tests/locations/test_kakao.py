"""Kakao Local client and place sync against the local spec-faithful fake (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mesh.errors import InvalidInput
from mesh.job_messages import InvalidJob, parse
from svc_locations import domain
from svc_locations.kakao import (
    KakaoAuthError,
    KakaoBadRequest,
    KakaoLocal,
    KakaoRateLimited,
    KakaoUnavailable,
)
from svc_locations.kakao_sync import sync_places

from .fake_kakao import FakeKakao

CITY_HALL = (37.5663, 126.9779)


@pytest.fixture
async def client(fake_kakao: FakeKakao) -> AsyncIterator[tuple[KakaoLocal, list[float]]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    kakao = KakaoLocal.create(fake_kakao.base_url, "test-rest-key", sleep=sleep)
    yield kakao, slept
    await kakao.aclose()


def add_batteries(fake: FakeKakao, n: int) -> None:
    for i in range(n):
        fake.add_place(f"{1000 + i}", f"폐건전지 수거함 {i}", CITY_HALL[0] + 0.001 * (i + 1), CITY_HALL[1])


async def test_keyword_search_maps_documents_and_meta(fake_kakao: FakeKakao, client) -> None:
    kakao, _ = client
    fake_kakao.add_place("26338954", "서울시청 폐건전지 수거함", 37.5665, 126.9780, phone="02-120")
    fake_kakao.add_place("1", "카페", 37.5664, 126.9779)
    page = await kakao.keyword("폐건전지", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=2000)
    assert page.meta.total_count == 1 and page.meta.pageable_count == 1 and page.meta.is_end
    place = page.documents[0]
    assert (place.id, place.place_name, place.phone) == ("26338954", "서울시청 폐건전지 수거함", "02-120")
    assert (place.lat, place.lon) == (37.5665, 126.978)
    assert (
        place.road_address_name == "서울 중구 세종대로 110" and place.address_name == "서울 중구 태평로1가 31"
    )
    assert place.place_url == "http://place.map.kakao.com/26338954"
    assert place.category_name.endswith("재활용센터")
    assert place.distance == 24
    path, params, headers = fake_kakao.requests[-1]
    assert path == "/v2/local/search/keyword.json"
    assert headers["authorization"] == "KakaoAK test-rest-key"
    assert params == {
        "query": "폐건전지",
        "x": "126.9779",
        "y": "37.5663",
        "radius": "2000",
        "page": "1",
        "size": "15",
        "sort": "distance",
    }


async def test_paging_follows_is_end(fake_kakao: FakeKakao, client) -> None:
    kakao, _ = client
    add_batteries(fake_kakao, 20)
    first = await kakao.keyword("폐건전지", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=20_000)
    second = await kakao.keyword("폐건전지", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=20_000, page=2)
    assert (len(first.documents), first.meta.is_end, first.meta.total_count) == (15, False, 20)
    assert (len(second.documents), second.meta.is_end) == (5, True)
    assert [d.distance for d in first.documents] == sorted(d.distance for d in first.documents)


async def test_category_search(fake_kakao: FakeKakao, client) -> None:
    kakao, _ = client
    fake_kakao.add_place(
        "7", "시청 주민센터", 37.567, 126.978, category_group_code="PO3", category_group_name="공공기관"
    )
    page = await kakao.category("PO3", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=1000)
    assert [d.id for d in page.documents] == ["7"] and page.documents[0].category_group_code == "PO3"
    assert fake_kakao.requests[-1][0] == "/v2/local/search/category.json"
    with pytest.raises(ValueError):
        await kakao.category("XX9", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=1000)


@pytest.mark.parametrize(
    ("page", "size", "radius"), [(0, 15, 100), (46, 15, 100), (1, 16, 100), (1, 0, 100), (1, 15, 20_001)]
)
async def test_client_refuses_what_kakao_would_refuse(client, page: int, size: int, radius: int) -> None:
    kakao, _ = client
    with pytest.raises(ValueError):
        await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=radius, page=page, size=size)


async def test_kakao_400_shape_becomes_bad_request(fake_kakao: FakeKakao, client) -> None:
    kakao, slept = client
    with pytest.raises(KakaoBadRequest) as caught:
        await kakao._get("/v2/local/search/keyword.json", {"query": "캔", "page": 46})
    assert (caught.value.status, caught.value.error_type) == (400, "InvalidArgument")
    assert caught.value.message == "page is more than max" and slept == []


async def test_wrong_key_is_not_retried(fake_kakao: FakeKakao) -> None:
    kakao = KakaoLocal.create(fake_kakao.base_url, "wrong-key")
    try:
        with pytest.raises(KakaoAuthError) as caught:
            await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=100)
    finally:
        await kakao.aclose()
    assert caught.value.status == 401 and len(fake_kakao.requests) == 1


async def test_403_is_an_auth_error(fake_kakao: FakeKakao, client) -> None:
    kakao, _ = client
    fake_kakao.fail_next(403, "NotAuthorizedError", "App(1) disabled OPEN_MAP_AND_LOCAL service.")
    with pytest.raises(KakaoAuthError, match="OPEN_MAP_AND_LOCAL"):
        await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=100)


async def test_429_waits_for_retry_after_then_succeeds(fake_kakao: FakeKakao, client) -> None:
    kakao, slept = client
    add_batteries(fake_kakao, 1)
    fake_kakao.fail_next(429, "RequestThrottled", "API limit has been exceeded.", {"Retry-After": "2"})
    page = await kakao.keyword("폐건전지", lat=CITY_HALL[0], lon=CITY_HALL[1], radius_m=1000)
    assert len(page.documents) == 1 and slept == [2.0]


async def test_persistent_429_gives_up(fake_kakao: FakeKakao, client) -> None:
    kakao, slept = client
    for _ in range(3):
        fake_kakao.fail_next(429, "RequestThrottled", "API limit has been exceeded.", {"Retry-After": "120"})
    with pytest.raises(KakaoRateLimited) as caught:
        await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=100)
    # Bounded: a huge Retry-After is capped, and the third failure is final.
    assert slept == [10.0, 10.0] and caught.value.retryable


async def test_5xx_retries_with_backoff_then_fails(fake_kakao: FakeKakao, client) -> None:
    kakao, slept = client
    for _ in range(3):
        fake_kakao.fail_next(502, "InternalError", "bad gateway")
    with pytest.raises(KakaoUnavailable):
        await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=100)
    assert slept == [0.2, 0.4] and len(fake_kakao.requests) == 3


async def test_no_server_is_unavailable() -> None:
    kakao = KakaoLocal.create("http://127.0.0.1:9", "k", max_attempts=2, backoff_s=0.0)
    try:
        with pytest.raises(KakaoUnavailable):
            await kakao.keyword("캔", lat=37.5, lon=127.0, radius_m=100)
    finally:
        await kakao.aclose()


async def test_sync_caches_places_as_dropoffs(fake_kakao: FakeKakao, client, sqlite_repo) -> None:
    kakao, _ = client
    add_batteries(fake_kakao, 20)
    result = await sync_places(kakao, sqlite_repo, "폐건전지", *CITY_HALL, 5000, "battery")
    assert (result.pages, result.fetched, result.stored) == (2, 20, 20)
    found = await sqlite_repo.find_nearby(domain.nearby_query(*CITY_HALL, "battery", 5000, 50))
    assert len(found) == 20
    place = found[0].place
    assert place.id == "kakao_local:1000" and place.kind == "battery_lamp_box"
    assert (place.source, place.licence) == ("kakao_local", "Kakao Local API terms")
    assert place.url == "http://place.map.kakao.com/1000"
    # Again, for lamps: same rows, both categories.
    await sync_places(kakao, sqlite_repo, "폐건전지", *CITY_HALL, 5000, "lamp", max_pages=1)
    assert await sqlite_repo.count("kakao_local") == 20
    assert (await sqlite_repo.get("kakao_local:1000")).accepts == ("battery", "lamp")
    assert (await sqlite_repo.get("kakao_local:1019")).accepts == ("battery",)


async def test_a_kakao_sync_job_stores_what_kakao_finds(fake_kakao: FakeKakao, client, sqlite_repo) -> None:
    kakao, _ = client
    add_batteries(fake_kakao, 3)
    body = {"kind": "kakao_sync", "query": "폐건전지", "lat": CITY_HALL[0], "lon": CITY_HALL[1]}
    job = parse("q.api", {**body, "radius_m": 3000, "category": "battery"})
    result = await sync_places(kakao, sqlite_repo, job.query, job.lat, job.lon, job.radius_m, job.category)
    assert result.stored == 3 and await sqlite_repo.count("kakao_local") == 3


@pytest.mark.parametrize(
    "body",
    [
        {"lat": 37.5, "lon": 127.0, "category": "battery"},
        {"query": "캔", "lat": "37.5", "lon": 127.0, "category": "battery"},
        {"query": "캔", "lat": 37.5, "lon": 127.0, "category": "can_metal", "radius_m": 30_000},
        {"query": "캔", "lat": 97.5, "lon": 127.0, "category": "can_metal"},
    ],
)
def test_a_malformed_kakao_sync_job_is_refused(body: dict) -> None:
    with pytest.raises(InvalidJob):
        parse("q.api", {"kind": "kakao_sync", **body})


@pytest.mark.parametrize("category", ["batteries", ""])
async def test_synced_places_need_a_known_category(client, sqlite_repo, category: str) -> None:
    kakao, _ = client
    with pytest.raises(InvalidInput):
        await sync_places(kakao, sqlite_repo, "캔", 37.5, 127.0, 2000, category)
