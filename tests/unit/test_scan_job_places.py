"""A worker of this release sends its places in both fields: a waste service of the previous release
(a rolling update) reads only the deprecated `nearby`, and must not store the result without them."""

from consumers.scan_job import _legacy
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2
from tests.waste.test_stored_results import STATION as SHOWN


def test_each_drop_off_is_also_a_nearby_place_with_the_same_fields():
    (place,) = _legacy([locations_pb2.DropOff(**SHOWN, opening_hours="24시간")])
    assert place == waste_pb2.NearbyPlace(**SHOWN)
    assert place.map_url == SHOWN["map_url"]  # field 12 in DropOff, 9 in NearbyPlace
