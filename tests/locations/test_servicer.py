"""LocationsService on an in-process grpc.aio server on port 0, over a real channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from mesh.settings import MeshSettings
from protos.wastecoach.locations.v1 import locations_pb2 as pb
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from svc_locations.component import build
from svc_locations.settings import LocationsSettings
from tests.conftest import create_pg_database, drop_pg_database
from tests.support import TEST_KEY, signed_channel


@pytest.fixture(scope="module")
async def servicer_pg_url() -> AsyncIterator[str]:
    """A database of this module's own: the others here empty theirs or fill it with random points."""
    name, url = await create_pg_database("wc_loc_svc")
    yield url
    await drop_pg_database(name)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The nearest search has one query per backend: each servicer test runs on both."""
    return request.getfixturevalue("servicer_pg_url") if request.param == "postgres" else None


@pytest.fixture(scope="module")
async def stub(
    tmp_path_factory: pytest.TempPathFactory, database_url: str | None
) -> AsyncIterator[locations_pb2_grpc.LocationsServiceStub]:
    # The default LocationsSettings: the data folder beside the checkout is found.
    settings = MeshSettings(data_dir=tmp_path_factory.mktemp("svc"), env="test", database_url=database_url)
    comp = build(settings, LocationsSettings())
    await comp.migrate()
    server = await comp.start("127.0.0.1", 0, TEST_KEY)
    channel = signed_channel(f"127.0.0.1:{server.port}")
    yield locations_pb2_grpc.LocationsServiceStub(channel)
    await channel.close()
    await comp.stop(0)


async def test_find_nearby_clothing_bins_in_mapo(stub) -> None:
    # Hongik Univ. station: Mapo's clothing bins are all around.
    response = await stub.FindNearby(
        pb.FindNearbyRequest(lat=37.5572, lon=126.9245, category="textiles", limit=5)
    )
    found = response.locations
    assert len(found) == 5
    assert [d.distance_m for d in found] == sorted(d.distance_m for d in found)
    assert all(d.distance_m <= 2000 and "textiles" in d.accepts for d in found)
    first = found[0]
    assert first.source.startswith("clothing_bins/") and first.licence.startswith(
        "MIT (losey-kim/yogiissugeo)"
    )
    assert first.map_url.startswith("https://map.kakao.com/link/to/") and first.map_url.endswith(
        f",{first.lat},{first.lon}"
    )
    assert first.updated_at


async def test_find_nearby_recycling_station_far_away(stub) -> None:
    response = await stub.FindNearby(
        pb.FindNearbyRequest(lat=37.5572, lon=126.9245, category="clear_pet", radius_m=50_000, limit=3)
    )
    assert len(response.locations) == 3
    assert all(d.kind in ("recycling_station", "zero_waste_shop") for d in response.locations)
    keco = [d for d in response.locations if d.source == "keco"]
    assert keco and keco[0].licence == "MIT (eco2-team/backend); KECO open data"


async def test_nothing_in_the_sea(stub) -> None:
    response = await stub.FindNearby(pb.FindNearbyRequest(lat=36.0, lon=125.0, radius_m=1000))
    assert list(response.locations) == []


async def test_get_location(stub) -> None:
    found = (await stub.FindNearby(pb.FindNearbyRequest(lat=37.5572, lon=126.9245, limit=1))).locations[0]
    got = (await stub.GetLocation(pb.GetLocationRequest(id=found.id))).location
    assert (got.id, got.name, got.lat, got.lon, got.distance_m) == (
        found.id,
        found.name,
        found.lat,
        found.lon,
        0,
    )


async def test_get_unknown_location_is_not_found(stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetLocation(pb.GetLocationRequest(id="keco:does-not-exist"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    "request_",
    [
        pb.FindNearbyRequest(lat=37.5, lon=127.0, category="plastics"),
        pb.FindNearbyRequest(lat=95, lon=127.0),
        pb.FindNearbyRequest(lat=37.5, lon=127.0, radius_m=60_000),
        pb.FindNearbyRequest(lat=37.5, lon=127.0, limit=51),
    ],
)
async def test_invalid_input(stub, request_: pb.FindNearbyRequest) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.FindNearby(request_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_demo_set_without_data_only_outside_production(tmp_path: Path) -> None:
    for env, expected in (("development", 5), ("production", 0)):
        comp = build(
            MeshSettings(data_dir=tmp_path / env, env=env), LocationsSettings(locations_data_dir=None)
        )
        await comp.migrate()
        server = await comp.start("127.0.0.1", 0, TEST_KEY)
        try:
            async with signed_channel(f"127.0.0.1:{server.port}") as channel:
                stub = locations_pb2_grpc.LocationsServiceStub(channel)
                found = (
                    await stub.FindNearby(pb.FindNearbyRequest(lat=37.5663, lon=126.9779, limit=50))
                ).locations
        finally:
            await comp.stop(0)
        assert len(found) == expected
        assert all(d.source == "demo" and d.kind == "demo" and d.name.startswith("[DEMO]") for d in found)
