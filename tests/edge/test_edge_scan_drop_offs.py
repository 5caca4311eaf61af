"""A scan's drop-offs in REST (`result.nearby`): the same JSON whether the worker sent them as
`locations.v1.DropOff` (`drop_offs`) or, as a worker of the previous release did, in the deprecated
`nearby`; and a scan an earlier waste service cached in binary reads the same."""

from edge import convert
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2
from tests.waste.test_lifecycle_servicer import jpeg

TEXTILES = common_pb2.Category(code="textiles", name_ko="의류", name_en="Clothes")
PLACE = {
    "id": "loc-7",
    "name": "의류수거함",
    "kind": "clothing_bin",
    "lat": 37.5663,
    "lon": 126.9019,
    "distance_m": 42.5,
    "accepts": ["textiles"],
    "address": "서울 마포구 성산동",
    "map_url": "https://map.kakao.com/link/map/loc-7",
}
# What the app has always seen of a place in a scan: these nine fields, nothing more.
EMPTY = {
    "name": "",
    "kind": "",
    "lat": 0.0,
    "lon": 0.0,
    "distance_m": 0.0,
    "accepts": [],
    "address": "",
    "map_url": "",
}
SHOWN = [PLACE, {"id": "loc-8", **EMPTY}]
DROP_OFFS = [
    locations_pb2.DropOff(
        **PLACE, opening_hours="24시간", source="seoul-open-data", licence="KOGL-1", updated_at="2026-01-01"
    ),
    locations_pb2.DropOff(id="loc-8"),
]
LEGACY = [waste_pb2.NearbyPlace(**PLACE), waste_pb2.NearbyPlace(id="loc-8")]


def _result(**places) -> waste_pb2.ScanResult:
    return waste_pb2.ScanResult(category=TEXTILES, item="T-shirt", confidence=0.9, **places)


async def test_drop_offs_read_the_same_from_this_worker_and_from_the_previous_one(edge_env):
    headers = await edge_env.login("placed")
    for places in ({"drop_offs": DROP_OFFS}, {"nearby": LEGACY}):
        created = await edge_env.http.post(
            "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
        )
        scan_id = created.json()["scan_id"]
        await edge_env.finish_scan(headers, scan_id, _result(**places))
        polled = (await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()
        assert polled["result"]["nearby"] == SHOWN, places.keys()
        listed = (await edge_env.http.get("/api/v1/scans", headers=headers)).json()["items"]
        assert next(s for s in listed if s["scan_id"] == scan_id)["result"]["nearby"] == SHOWN


def test_a_scan_cached_by_an_earlier_waste_service_shows_its_places():
    cached = waste_pb2.Scan(scan_id="s1", status=waste_pb2.SCAN_STATUS_DONE, result=_result(nearby=LEGACY))
    scan = waste_pb2.Scan.FromString(cached.SerializeToString())
    assert convert.scan(scan).model_dump(mode="json")["result"]["nearby"] == SHOWN
    current = waste_pb2.Scan(
        scan_id="s2", status=waste_pb2.SCAN_STATUS_DONE, result=_result(drop_offs=DROP_OFFS)
    )
    assert convert.scan(current).model_dump(mode="json")["result"]["nearby"] == SHOWN
