"""A scan whose job was lost (a crash of the in-process queue, a message gone) is re-driven after its
lease, and one that keeps losing its job fails visibly: no accepted scan stays queued for ever."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest

import svc_waste.outbox
from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from mesh.job_messages import ScanJob
from mesh.settings import MeshSettings
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.settings import WasteSettings, images_dir
from tests.support import running, user
from tests.waste.test_lifecycle_servicer import FlakyPublisher, jpeg


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


async def test_a_lost_job_is_re_driven_after_its_lease_and_given_up_at_last(data_dir, database_url):
    publisher = FlakyPublisher()
    publisher.down = False
    # The relay's own loop stays asleep: the passes below run at chosen times.
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    settings = WasteSettings(outbox_interval_s=3600)
    component = build(mesh, settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        owner = uuid.uuid4().hex
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(owner))).scan
        servicer = component.specs[0].servicer
        job = ScanJob(scan_id=scan.scan_id, user_id=owner).body()
        assert publisher.published.count(job) == 1
        now = datetime.now(UTC)
        lease = timedelta(seconds=settings.redrive_after_s)
        # Within its lease the job is still in flight: nothing happens.
        await servicer.outbox.relay_pass(now, settings, now - lease)
        assert publisher.published.count(job) == 1
        # Past the lease and still queued: the job was lost, and is sent again.
        later = now + lease + timedelta(seconds=1)
        await servicer.outbox.relay_pass(later, settings, later - lease)
        assert publisher.published.count(job) == 2
        # Re-driven until the give-up age: it fails with a message instead of waiting for ever.
        end = now + timedelta(seconds=settings.give_up_after_s + 1)
        await servicer.outbox.relay_pass(end, settings, end)
        got = (await stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))).scan
        assert got.status == pb.SCAN_STATUS_FAILED and got.error_message
        assert publisher.published.count(job) == 2


async def test_a_stored_scan_is_accepted_even_if_recording_its_job_fails(data_dir):
    """Once CreateScan stored the scan, nothing after it fails the call: here the broker refuses the
    job and the database refuses to record that (a trigger); the scan stays accepted, and the
    re-drive sweep sends its job once the lease is over."""
    publisher = FlakyPublisher()
    mesh = MeshSettings(data_dir=data_dir)
    settings = WasteSettings(outbox_interval_s=3600)
    component = build(mesh, settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        with sqlite3.connect(data_dir / "waste.sqlite3") as db:
            db.execute(
                "CREATE TRIGGER refuse_outbox BEFORE UPDATE OF published_at ON scans "
                "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        reply = await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("busy"))
        assert reply.created and reply.scan.status == pb.SCAN_STATUS_QUEUED
        assert publisher.published == []
        with sqlite3.connect(data_dir / "waste.sqlite3") as db:
            db.execute("DROP TRIGGER refuse_outbox")
        publisher.down = False
        servicer = component.specs[0].servicer
        later = datetime.now(UTC) + timedelta(seconds=settings.redrive_after_s + 1)
        await servicer.outbox.relay_pass(later, settings, later - timedelta(seconds=settings.redrive_after_s))
        assert publisher.published == [ScanJob(scan_id=reply.scan.scan_id, user_id="busy").body()]


async def test_a_lost_re_classification_keeps_its_result(data_dir, database_url):
    """A re-classified scan goes back to processing long after it was published: the sweep judges it
    by its last progress, and giving it up keeps the result it had instead of failing it."""
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    settings = WasteSettings(outbox_interval_s=3600)
    publisher = FlakyPublisher()
    publisher.down = False
    component = build(mesh, settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        owner = uuid.uuid4().hex
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(owner))).scan
        system = system_metadata()
        await stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system
        )
        can = common_pb2.Category(code="can_metal", name_ko="캔류", name_en="Cans")
        result = pb.ScanResult(category=can, confidence=0.9, model="old")
        await stub.CompleteScan(pb.CompleteScanRequest(scan_id=scan.scan_id, result=result), metadata=system)
        servicer = component.specs[0].servicer
        # Re-classification starts an hour later (its clock says so; the database keeps that time).
        servicer.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
        await stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1, reclassify=True), metadata=system
        )
        sent = len(publisher.published)
        lease = timedelta(seconds=settings.redrive_after_s)
        # Within a lease of its restart it is in progress, however old its first job is.
        soon = servicer.clock() + lease / 2
        await servicer.outbox.relay_pass(soon, settings, soon - lease)
        assert len(publisher.published) == sent
        # Past the give-up age from that restart: it keeps its earlier result, it does not fail.
        end = servicer.clock() + timedelta(seconds=settings.give_up_after_s + 1)
        await servicer.outbox.relay_pass(end, settings, end)
        got = (await stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))).scan
        assert got.status == pb.SCAN_STATUS_DONE and got.result.category.code == "can_metal"


async def test_one_replica_re_sends_a_stalled_job(data_dir, database_url):
    """Two waste replicas sweep the same table at once: the lost job goes out once, not per replica."""
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    settings = WasteSettings(outbox_interval_s=3600)
    publishers = [FlakyPublisher(), FlakyPublisher()]
    for publisher in publishers:
        publisher.down = False
    first, second = (build(mesh, settings, publisher=p, events=InProcessEventBus()) for p in publishers)
    async with running(first) as channel, running(second):
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("u"))).scan
        job = ScanJob(scan_id=scan.scan_id, user_id="u").body()
        later = datetime.now(UTC) + timedelta(seconds=settings.redrive_after_s + 1)
        lost_before = later - timedelta(seconds=settings.redrive_after_s)
        servicers = [component.specs[0].servicer for component in (first, second)]
        for _ in range(3):
            await asyncio.gather(*(s.outbox.relay_pass(later, settings, lost_before) for s in servicers))
        assert sum(p.published.count(job) for p in publishers) == 2  # CreateScan's, then one re-drive


async def test_an_unsent_job_goes_out_once_across_replicas(data_dir, database_url):
    """The broker refused the job at CreateScan: the row says unsent, and of two replicas relaying
    at the same moment one sends it."""
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    settings = WasteSettings(outbox_interval_s=3600)
    publishers = [FlakyPublisher(), FlakyPublisher()]
    first, second = (build(mesh, settings, publisher=p, events=InProcessEventBus()) for p in publishers)
    async with running(first) as channel, running(second):
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("u"))).scan
        for publisher in publishers:
            publisher.down = False
        later = datetime.now(UTC) + timedelta(seconds=settings.outbox_interval_s + 1)
        servicers = [component.specs[0].servicer for component in (first, second)]
        for _ in range(3):
            await asyncio.gather(
                *(s.outbox.relay_pass(later, settings, later - timedelta(hours=1)) for s in servicers)
            )
        job = ScanJob(scan_id=scan.scan_id, user_id="u").body()
        assert sum(p.published.count(job) for p in publishers) == 1


class HangingPublisher:
    """A broker that never confirms."""

    async def publish(self, queue, body, *, priority=None, message_id=None):
        await asyncio.Event().wait()


async def test_a_cancelled_submission_leaves_its_job_for_the_relay(data_dir, monkeypatch):
    """The caller's deadline passes while the broker hangs: the handler is cancelled, and the row
    no longer claims the job was sent, so the next relay pass sends it (not a 10-minute sweep)."""
    monkeypatch.setattr(svc_waste.outbox, "PUBLISH_TIMEOUT_S", 60)
    mesh = MeshSettings(data_dir=data_dir)
    settings = WasteSettings(outbox_interval_s=3600)
    component = build(mesh, settings, publisher=HangingPublisher(), events=InProcessEventBus())
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("late"), timeout=1)
        assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        repo = component.specs[0].servicer.repo
        for _ in range(100):  # bounded wait for the cancelled handler's write-back
            unsent = [
                s
                for s in await repo.unpublished(datetime.now(UTC) + timedelta(hours=1))
                if s.user_id == "late"
            ]
            if unsent:
                break
            await asyncio.sleep(0.1)
        assert len(unsent) == 1 and unsent[0].status == "queued"


async def test_a_photo_gone_from_storage_is_handed_over_empty(data_dir):
    """StartProcessing still answers when the stored photo has expired in the bucket, so the worker
    fails the scan instead of leaving it processing."""
    mesh = MeshSettings(data_dir=data_dir)
    settings = WasteSettings(outbox_interval_s=3600)
    publisher = FlakyPublisher()
    publisher.down = False
    component = build(mesh, settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("u"))).scan
        (images_dir(mesh) / scan.image_key).unlink()
        started = await stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system_metadata()
        )
        assert started.scan.status == pb.SCAN_STATUS_PROCESSING and started.image == b""
