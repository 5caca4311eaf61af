"""A scan whose job was lost (a crash of the in-process queue, a message gone) is re-driven after its
lease, and one that keeps losing its job fails visibly: no accepted scan stays queued for ever."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mesh.events import InProcessEventBus
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build, relay_pass
from svc_waste.settings import WasteSettings
from tests.services.test_waste_servicer import FlakyPublisher, jpeg
from tests.support import running, user


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


async def test_a_lost_job_is_re_driven_after_its_lease_and_given_up_at_last(data_dir, database_url):
    publisher = FlakyPublisher()
    publisher.down = False
    # The relay's own loop stays asleep: the passes below run at chosen times.
    settings = WasteSettings(data_dir=data_dir, database_url=database_url, outbox_interval_s=3600)
    component = build(settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        owner = uuid.uuid4().hex
        scan = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(owner))).scan
        servicer = component.specs[0].servicer
        job = {"scan_id": scan.scan_id, "user_id": owner}
        assert publisher.published.count(job) == 1
        now = datetime.now(UTC)
        lease = timedelta(seconds=settings.redrive_after_s)
        # Within its lease the job is still in flight: nothing happens.
        await relay_pass(servicer, servicer.repo, now, settings, now - lease)
        assert publisher.published.count(job) == 1
        # Past the lease and still queued: the job was lost, and is sent again.
        later = now + lease + timedelta(seconds=1)
        await relay_pass(servicer, servicer.repo, later, settings, later - lease)
        assert publisher.published.count(job) == 2
        # Re-driven until the give-up age: it fails with a message instead of waiting for ever.
        end = now + timedelta(seconds=settings.give_up_after_s + 1)
        await relay_pass(servicer, servicer.repo, end, settings, end)
        got = (await stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))).scan
        assert got.status == pb.SCAN_STATUS_FAILED and got.error_message
        assert publisher.published.count(job) == 2


async def test_a_stored_scan_is_accepted_even_if_recording_its_job_fails(data_dir):
    """Once CreateScan stored the scan and sent its job, a failure to record that is not the caller's:
    the database refuses the outbox update (a trigger), and the call still succeeds."""
    publisher = FlakyPublisher()
    publisher.down = False
    settings = WasteSettings(data_dir=data_dir)
    component = build(settings, publisher=publisher, events=InProcessEventBus())
    async with running(component) as channel:
        with sqlite3.connect(data_dir / "waste.sqlite3") as db:
            db.execute(
                "CREATE TRIGGER refuse_outbox BEFORE UPDATE OF published_at ON scans "
                "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        reply = await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user("busy"))
        assert reply.created and reply.scan.status == pb.SCAN_STATUS_QUEUED
        assert publisher.published == [{"scan_id": reply.scan.scan_id, "user_id": "busy"}]
