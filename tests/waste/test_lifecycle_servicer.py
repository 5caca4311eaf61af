import asyncio
import io

import grpc
import pytest
from PIL import Image

from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from mesh.job_messages import ScanJob
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.settings import WasteSettings, images_dir
from tests.support import running, user


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


class Env:
    def __init__(self, stub, broker, events, settings):
        self.stub, self.broker, self.events, self.settings = stub, broker, events, settings
        self.jobs: list[dict] = []


@pytest.fixture
async def env(data_dir):
    broker = InProcessBroker(workers=1)
    events = InProcessEventBus()
    settings = MeshSettings(data_dir=data_dir)
    async with running(build(settings, WasteSettings(), publisher=broker, events=events)) as channel:
        e = Env(waste_pb2_grpc.WasteServiceStub(channel), broker, events, settings)

        async def record(body, ctx):
            e.jobs.append(body)

        broker.subscribe("q.ai", record)
        await broker.start()
        yield e
        await broker.stop()


async def test_create_stores_image_publishes_job_and_is_private(env):
    reply = await env.stub.CreateScan(
        pb.CreateScanRequest(image=jpeg(), lat=37.56, lon=126.97, hint="컵"), metadata=user("alice")
    )
    scan = reply.scan
    assert reply.created and scan.status == pb.SCAN_STATUS_QUEUED and scan.lat == 37.56
    await asyncio.wait_for(env.broker.drain(), 5)
    assert env.jobs == [ScanJob(scan_id=scan.scan_id, user_id="alice").body()]
    assert (images_dir(env.settings) / scan.image_key).read_bytes() == jpeg()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await env.stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user("mallory"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    got = await env.stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user("alice"))
    assert got.scan.scan_id == scan.scan_id


@pytest.mark.parametrize("data", [b"%PDF-1.4 not an image", b"", b"\x00\x01\x02"])
async def test_non_images_are_refused(env, data):
    request = pb.CreateScanRequest(image=data) if data else pb.CreateScanRequest()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await env.stub.CreateScan(request, metadata=user("alice"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_same_idempotency_key_gives_same_scan_and_one_job(env):
    request = pb.CreateScanRequest(image=jpeg(), idempotency_key="abc-1")
    a = await env.stub.CreateScan(request, metadata=user("bob"))
    b = await env.stub.CreateScan(request, metadata=user("bob"))
    assert a.scan.scan_id == b.scan.scan_id and a.created and not b.created
    other_user = await env.stub.CreateScan(request, metadata=user("carol"))
    assert other_user.scan.scan_id != a.scan.scan_id
    await asyncio.wait_for(env.broker.drain(), 5)
    assert sum(1 for j in env.jobs if j["scan_id"] == a.scan.scan_id) == 1


async def test_worker_lifecycle_is_idempotent_and_announced(env):
    scan = (await env.stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("dan"))).scan
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await env.stub.StartProcessing(pb.StartProcessingRequest(scan_id=scan.scan_id), metadata=user("dan"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    async with env.events.subscribe(f"scan:{scan.scan_id}") as inbox:
        started = await env.stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system_metadata()
        )
        assert started.scan.status == pb.SCAN_STATUS_PROCESSING and not started.already_finished
        # The photo comes with the start: the worker needs no second call for it.
        assert (started.image, started.content_type) == (jpeg(), "image/jpeg")
        image = await env.stub.GetScanImage(
            pb.GetScanImageRequest(scan_id=scan.scan_id), metadata=system_metadata()
        )
        assert image.image == jpeg()
        result = pb.ScanResult(
            category=common_pb2.Category(code="paper", name_ko="종이류", name_en="Paper"), confidence=0.9
        )
        done = await env.stub.CompleteScan(
            pb.CompleteScanRequest(scan_id=scan.scan_id, result=result), metadata=system_metadata()
        )
        again = await env.stub.CompleteScan(
            pb.CompleteScanRequest(scan_id=scan.scan_id, result=result), metadata=system_metadata()
        )
        assert done.completed_now and not again.completed_now
        assert [(await inbox.get())["status"] for _ in range(2)] == ["processing", "done"]
    redelivered = await env.stub.StartProcessing(
        pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=2), metadata=system_metadata()
    )
    assert redelivered.already_finished and not redelivered.image  # nothing to do, nothing to send
    failed = await env.stub.FailScan(
        pb.FailScanRequest(scan_id=scan.scan_id, error_code="x", error_message="y"),
        metadata=system_metadata(),
    )
    assert failed.scan.status == pb.SCAN_STATUS_DONE  # a finished scan is never overwritten


async def test_delete_user_scans_removes_rows_and_images(env):
    scan = (await env.stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("erin"))).scan
    path = images_dir(env.settings) / scan.image_key
    assert path.exists()
    deleted = await env.stub.DeleteUserScans(pb.DeleteUserScansRequest(), metadata=user("erin"))
    assert deleted.deleted == 1 and not path.exists()
    listed = await env.stub.ListScans(pb.ListScansRequest(), metadata=user("erin"))
    assert list(listed.scans) == []


class FlakyPublisher:
    def __init__(self):
        self.down = True
        self.published: list[dict] = []

    async def publish(self, queue, body, *, priority=None, message_id=None):
        if self.down:
            raise ConnectionError("broker down")
        self.published.append(body)


async def test_outbox_relay_publishes_what_the_broker_missed(data_dir):
    publisher = FlakyPublisher()
    mesh, settings = MeshSettings(data_dir=data_dir), WasteSettings(outbox_interval_s=0.1)
    async with running(build(mesh, settings, publisher=publisher, events=InProcessEventBus())) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        reply = await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("frank"))
        assert reply.created and publisher.published == []
        publisher.down = False
        for _ in range(50):
            if publisher.published:
                break
            await asyncio.sleep(0.1)
    assert publisher.published == [ScanJob(scan_id=reply.scan.scan_id, user_id="frank").body()]
