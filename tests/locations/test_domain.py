"""Pure rules: validation, distance, boxes, ranking, search rings, map links."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesh.errors import InvalidInput
from svc_locations import domain


def place(pid: str, lat: float, lon: float, accepts: tuple[str, ...] = ("paper",)) -> domain.DropOff:
    return domain.DropOff(
        pid, pid, "recycling_station", lat, lon, accepts, "", "", "test", "test", "", datetime.now(UTC)
    )


def test_defaults_apply_to_zero() -> None:
    q = domain.nearby_query(37.5, 127.0, "", 0, 0)
    assert (q.radius_m, q.limit, q.category) == (2000, 10, "")


@pytest.mark.parametrize(
    ("lat", "lon", "category", "radius", "limit"),
    [
        (90.1, 127.0, "", 0, 0),
        (-91, 127.0, "", 0, 0),
        (37.5, 180.5, "", 0, 0),
        (math.nan, 127.0, "", 0, 0),
        (37.5, 127.0, "plastics", 0, 0),
        (37.5, 127.0, "", 50_001, 0),
        (37.5, 127.0, "", -1, 0),
        (37.5, 127.0, "", 0, 51),
        (37.5, 127.0, "", 0, -3),
    ],
)
def test_invalid_queries(lat: float, lon: float, category: str, radius: int, limit: int) -> None:
    with pytest.raises(InvalidInput):
        domain.nearby_query(lat, lon, category, radius, limit)


def test_edges_are_valid() -> None:
    domain.nearby_query(90, 180, "clear_pet", 50_000, 50)
    domain.nearby_query(-90, -180, "non_combustible", 1, 1)


def test_haversine_known_distance() -> None:
    # Seoul City Hall → Busan City Hall is about 325 km.
    d = domain.haversine_m(37.5663, 126.9779, 35.1798, 129.0750)
    assert 320_000 < d < 330_000
    assert domain.haversine_m(37.5, 127.0, 37.5, 127.0) == 0.0
    # One degree of latitude on the mean sphere.
    assert domain.haversine_m(0, 0, 1, 0) == pytest.approx(math.pi / 180 * domain.EARTH_RADIUS_M)


@given(
    st.floats(-89.0, 89.0),
    st.floats(-180.0, 180.0),
    st.floats(1.0, 50_000.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 2 * math.pi),
)
def test_box_holds_the_circle(lat: float, lon: float, radius: float, frac: float, bearing: float) -> None:
    # A point at distance frac*radius in any direction lies inside the box.
    angle = radius * frac / domain.EARTH_RADIUS_M
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(p1), math.cos(angle) - math.sin(p1) * math.sin(p2)
    )
    lat2, lon2 = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
    box = domain.bounding_box(lat, lon, radius)
    assert box.min_lat <= lat2 <= box.max_lat
    assert box.min_lon <= lon2 <= box.max_lon


def test_box_widens_across_the_antimeridian_and_near_poles() -> None:
    assert domain.bounding_box(10, 179.999, 5000).min_lon == -180
    assert domain.bounding_box(89.99, 0, 5000).max_lon == 180


def test_rank_filters_sorts_and_breaks_ties_by_id() -> None:
    here = (37.5, 127.0)
    places = [
        place("b", 37.501, 127.0),
        place("a", 37.501, 127.0),
        place("near", 37.5001, 127.0, ("glass",)),
        place("far", 37.6, 127.0),
    ]
    assert [f.place.id for f in domain.rank(places, *here, 500, "")] == ["near", "a", "b"]
    assert [f.place.id for f in domain.rank(places, *here, 500, "paper")] == ["a", "b"]


def test_search_radii_end_at_the_radius() -> None:
    assert domain.search_radii(50_000, 1000) == [1000, 4000, 16000, 50_000]
    assert domain.search_radii(500, 1000) == [500]
    assert domain.search_radii(4000, 1000) == [1000, 4000]


def test_map_url() -> None:
    assert domain.map_url("A, B", 37.5, 127.25) == "https://map.kakao.com/link/to/A%2C%20B,37.5,127.25"


def test_accepts_round_trip() -> None:
    assert domain.decode_accepts(domain.encode_accepts(("paper", "glass"))) == ("paper", "glass")
    assert domain.encode_accepts(()) == "" and domain.decode_accepts("") == ()
