"""Nearest-k on both backends equals brute-force haversine over the same random points.

PostgreSQL is the real server (a throwaway database); SQLite uses its R*Tree. Both must give the
same ids in the same order with the same distances as a scan of every point.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svc_locations import domain
from svc_locations.domain import CATEGORIES, DropOff

from .conftest import make_repo

_WHEN = datetime(2025, 1, 1, tzinfo=UTC)


def random_points(seed: int, n: int) -> list[DropOff]:
    """Clusters (dense city blocks), a uniform spread, and exact duplicates so ties really happen."""
    rng = random.Random(seed)
    points: list[DropOff] = []
    centres = [(37.55, 126.98), (37.50, 127.03), (35.18, 129.07), (37.56 + 0.3, 126.9)]
    for i in range(n):
        if i % 3 == 0:
            lat, lon = rng.uniform(37.0, 38.0), rng.uniform(126.5, 127.5)
        else:
            clat, clon = rng.choice(centres)
            lat, lon = clat + rng.gauss(0, 0.01), clon + rng.gauss(0, 0.01)
        if i % 17 == 0 and points:
            lat, lon = points[-1].lat, points[-1].lon
        accepts = tuple(rng.sample(CATEGORIES, rng.randint(0, 3)))
        points.append(
            DropOff(f"p{i:05d}", f"p{i}", "recycling_station", lat, lon, accepts, "", "", "t", "t", "", _WHEN)
        )
    return points


POINTS = random_points(7, 3000)


def brute_force(q: domain.NearbyQuery) -> list[tuple[str, float]]:
    found = domain.rank(POINTS, q.lat, q.lon, q.radius_m, q.category)[: q.limit]
    return [(f.place.id, f.distance_m) for f in found]


@pytest.fixture(scope="module")
async def repos(sqlite_locations_url: str, pg_locations_url: str):
    made = [await make_repo(sqlite_locations_url), await make_repo(pg_locations_url)]
    for repo, engine in made:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DELETE FROM dropoffs")
        await repo.upsert(POINTS)
    yield [repo for repo, _ in made]
    for _, engine in made:
        await engine.dispose()


queries = st.builds(
    domain.nearby_query,
    lat=st.one_of(st.floats(37.0, 38.0), st.sampled_from([37.55, 35.18, 37.86])),
    lon=st.one_of(st.floats(126.5, 127.5), st.sampled_from([126.98, 129.07, 126.9])),
    category=st.sampled_from(("", *CATEGORIES)),
    radius_m=st.one_of(st.integers(1, 50_000), st.sampled_from([1, 2000, 50_000])),
    limit=st.integers(1, 50),
)


@st.composite
def boundary_queries(draw: st.DrawFn) -> domain.NearbyQuery:
    """A point due N/S/E/W of the centre, just inside the radius: where a too-tight box loses it."""
    target = draw(st.sampled_from(POINTS))
    offset = draw(st.floats(0.0005, 0.4))
    dlat, dlon = draw(st.sampled_from([(offset, 0.0), (-offset, 0.0), (0.0, offset), (0.0, -offset)]))
    lat, lon = target.lat + dlat, target.lon + dlon
    radius = math.ceil(domain.haversine_m(lat, lon, target.lat, target.lon))
    if radius > domain.MAX_RADIUS_M:
        radius = domain.MAX_RADIUS_M
    return domain.nearby_query(lat, lon, "", radius, 50)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=boundary_queries())
async def test_points_on_the_rim_are_found(repos, q: domain.NearbyQuery) -> None:
    expected = brute_force(q)
    for repo in repos:
        got = [(f.place.id, f.distance_m) for f in await repo.find_nearby(q)]
        assert got == expected, "postgres" if repo.postgres else "sqlite"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
async def test_both_backends_equal_brute_force(repos, q: domain.NearbyQuery) -> None:
    expected = brute_force(q)
    for repo in repos:
        got = [(f.place.id, f.distance_m) for f in await repo.find_nearby(q)]
        assert got == expected, "postgres" if repo.postgres else "sqlite"


async def test_backends_agree_on_a_dense_query(repos) -> None:
    q = domain.nearby_query(37.55, 126.98, "", 50_000, 50)
    results = [[f.place.id for f in await repo.find_nearby(q)] for repo in repos]
    assert results[0] == results[1] == [i for i, _ in brute_force(q)]
    assert len(results[0]) == 50


async def test_postgres_has_the_extensions_and_the_gist_index(pg_locations_url: str) -> None:
    _repo, engine = await make_repo(pg_locations_url)
    try:
        async with engine.connect() as conn:
            extensions = {r[0] for r in await conn.exec_driver_sql("SELECT extname FROM pg_extension")}
            index = (
                await conn.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_dropoffs_earth'"
                )
            ).scalar()
    finally:
        await engine.dispose()
    assert {"cube", "earthdistance"} <= extensions
    assert "gist" in index and "ll_to_earth(lat, lon)" in index
