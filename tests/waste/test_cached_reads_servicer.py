"""A finished scan is read from the cache, and the cache serves it to its owner only: on the embedded
default (SQLite, in-process cache) and in production (PostgreSQL, Redis)."""

import uuid

import grpc
import pytest
import redis.asyncio as redis

from mesh.cache import InProcessCache, RedisCache
from mesh.events import InProcessEventBus
from mesh.identity import system_metadata, user_metadata
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.settings import WasteSettings
from tests.conftest import REDIS_URL
from tests.support import running
from tests.waste.test_lifecycle_servicer import jpeg


@pytest.fixture(params=["embedded", "production"])
def database_url(request) -> str | None:
    return None if request.param == "embedded" else request.getfixturevalue("pg_url")


@pytest.fixture
async def waste(database_url, data_dir):
    client = redis.from_url(REDIS_URL) if database_url else None
    cache = RedisCache(client) if client else InProcessCache()
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    component = build(
        mesh, WasteSettings(), publisher=InProcessBroker(), events=InProcessEventBus(), cache=cache
    )
    try:
        async with running(component) as channel:
            yield waste_pb2_grpc.WasteServiceStub(channel), cache
    finally:
        if client is not None:
            await client.aclose()


async def test_a_finished_scan_is_served_from_the_cache_to_its_owner_only(waste):
    stub, cache = waste
    owner, stranger = uuid.uuid4().hex, uuid.uuid4().hex
    scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user_metadata(owner))).scan
    await stub.StartProcessing(
        pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system_metadata()
    )
    result = pb.ScanResult(
        category=common_pb2.Category(code="paper", name_ko="종이류", name_en="Paper"), confidence=0.9
    )
    await stub.CompleteScan(
        pb.CompleteScanRequest(scan_id=scan.scan_id, result=result), metadata=system_metadata()
    )
    assert await cache.get(f"scan:{scan.scan_id}") is not None  # the reads below take the cached path

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user_metadata(stranger))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    got = (await stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user_metadata(owner))).scan
    assert got.status == pb.SCAN_STATUS_DONE and got.result.category.code == "paper"


async def test_every_state_is_cached_and_a_late_older_write_never_hides_a_newer_one(waste):
    stub, cache = waste
    owner = uuid.uuid4().hex
    scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user_metadata(owner))).scan
    key = f"scan:{scan.scan_id}"
    queued = pb.Scan.FromString(await cache.get(key))
    assert queued.status == pb.SCAN_STATUS_QUEUED and queued.user_id == owner  # the edge checks the owner
    processing = (
        await stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system_metadata()
        )
    ).scan
    assert pb.Scan.FromString(await cache.get(key)).status == pb.SCAN_STATUS_PROCESSING

    # A writer that read the queued state before the transition (a slow replica) writes last.
    assert not await cache.set_newer(key, queued.SerializeToString(), queued.version, 60)
    assert pb.Scan.FromString(await cache.get(key)).version == processing.version
    assert await cache.set_newer(key, b"newer", processing.version + 1, 60)
    assert await cache.get(key) == b"newer"
