"""A worker of this release sends its places in both fields: a waste service of the previous release
(a rolling update) reads only the deprecated `nearby`, and must not store the result without them."""

from consumers.scan_job import _legacy
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2


def test_each_drop_off_is_also_a_nearby_place_with_the_same_fields():
    drop_off = locations_pb2.DropOff(
        id="loc-1",
        name="투명 페트병 수거함",
        kind="recycling_station",
        lat=37.5,
        lon=127.0,
        distance_m=120.5,
        accepts=["clear_pet"],
        address="서울 중구 세종대로 110",
        map_url="https://map.kakao.com/link/map/loc-1",
        opening_hours="24시간",
    )
    (place,) = _legacy([drop_off])
    assert place == waste_pb2.NearbyPlace(
        id="loc-1",
        name="투명 페트병 수거함",
        kind="recycling_station",
        lat=37.5,
        lon=127.0,
        distance_m=120.5,
        accepts=["clear_pet"],
        address="서울 중구 세종대로 110",
        map_url="https://map.kakao.com/link/map/loc-1",
    )
