"""No photo outlives its scan: a failed insert, a deletion racing new scans, a crash between writing
an image and its row. SQLite and PostgreSQL (the race on PostgreSQL, where rows lock)."""

import asyncio
import os
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import grpc
import pytest
from sqlalchemy import text

import svc_waste.component
import svc_waste.servicer
from mesh.db import create_engine, session_factory
from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.models import FeedbackRow
from svc_waste.settings import WasteSettings, images_dir
from tests.support import running, user
from tests.waste.test_lifecycle_servicer import jpeg

TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str | None:
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
async def waste(data_dir, database_url):
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    component = svc_waste.component.build(
        settings, WasteSettings(), publisher=InProcessBroker(), events=InProcessEventBus()
    )
    async with running(component) as channel:
        yield waste_pb2_grpc.WasteServiceStub(channel), settings


def _images_of(settings: MeshSettings, user_id: str) -> list[str]:
    return sorted(
        str(p.relative_to(images_dir(settings)))
        for p in images_dir(settings).rglob("*")
        if p.is_file() and user_id in str(p)
    )


def _stray(settings: MeshSettings, key: str, mtime: float | None = None) -> None:
    """An image on disk that no row points to, as a crash between the two writes leaves it."""
    path = images_dir(settings) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg())
    if mtime is not None:
        os.utime(path, (mtime, mtime))


async def _sql(settings: MeshSettings, *statements: str) -> None:
    engine = create_engine(settings.database_url_for("waste"))
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _add_feedback(settings: MeshSettings, scan: pb.Scan, user_id: str) -> None:
    """A labelled example of the user's, as an answered question keeps it."""
    row = FeedbackRow(
        id=uuid.uuid4().hex,
        scan_id=scan.scan_id,
        user_id=user_id,
        image_key=scan.image_key,
        predicted_category="pet",
        chosen_category="plastic",
        question_id="q",
        choice_id="c",
        model="m",
        answered_at=datetime.now(UTC),
    )
    engine = create_engine(settings.database_url_for("waste"))
    try:
        async with session_factory(engine).begin() as session:
            session.add(row)
    finally:
        await engine.dispose()


async def test_a_failed_row_insert_leaves_no_image(waste, database_url):
    stub, settings = waste
    user_id = uuid.uuid4().hex
    # The database refuses this user's rows, as it would any insert that fails after the image is written.
    if database_url is None:
        refuse = [
            f"CREATE TRIGGER refuse_{user_id} BEFORE INSERT ON scans WHEN NEW.user_id = '{user_id}' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        allow = [f"DROP TRIGGER refuse_{user_id}"]
    else:
        refuse = [
            f"CREATE FUNCTION refuse_{user_id}() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.user_id = '{user_id}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ "
            "LANGUAGE plpgsql",
            f"CREATE TRIGGER refuse_{user_id} BEFORE INSERT ON scans "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_{user_id}()",
        ]
        allow = [f"DROP TRIGGER refuse_{user_id} ON scans", f"DROP FUNCTION refuse_{user_id}()"]
    await _sql(settings, *refuse)
    try:
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(user_id))
    finally:
        await _sql(settings, *allow)
    assert _images_of(settings, user_id) == []
    assert (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(user_id))).created


async def test_deletion_takes_every_image_of_the_user_even_those_without_a_row(waste):
    stub, settings = waste
    user_id, other = uuid.uuid4().hex, uuid.uuid4().hex
    for who in (user_id, other):
        await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(who))
    _stray(settings, f"scans/{user_id}/{uuid.uuid4().hex}.jpg")  # its CreateScan died before the row
    _stray(settings, f"uploads/{user_id}/{uuid.uuid4().hex}.jpg")  # uploaded, never scanned
    deleted = await stub.DeleteUserScans(pb.DeleteUserScansRequest(), metadata=user(user_id))
    assert deleted.deleted == 1
    assert _images_of(settings, user_id) == []
    assert len(_images_of(settings, other)) == 1


async def test_upkeep_sweeps_images_no_scan_points_to(waste):
    stub, settings = waste
    user_id = uuid.uuid4().hex
    kept = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(user_id))).scan.image_key
    os.utime(images_dir(settings) / kept, (TWO_HOURS_AGO, TWO_HOURS_AGO))  # old, but its scan stands
    orphan, unused_upload = (
        f"scans/{user_id}/{uuid.uuid4().hex}.jpg",
        f"uploads/{user_id}/{uuid.uuid4().hex}.png",
    )
    _stray(settings, orphan, TWO_HOURS_AGO)
    _stray(settings, unused_upload, TWO_HOURS_AGO)
    in_flight = f"scans/{user_id}/{uuid.uuid4().hex}.jpg"  # just written; its row is on the way
    _stray(settings, in_flight)

    await stub.ExpireImages(pb.ExpireImagesRequest(retention_days=30), metadata=system_metadata())

    assert _images_of(settings, user_id) == sorted([kept, in_flight])


async def _waiting_on_a_lock(pg_url: str, table: str) -> None:
    """Until a statement on `table` waits for a row lock (bounded: a synchronisation, not a timing)."""
    admin = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for _ in range(500):
            waiting = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE $1",
                f"DELETE FROM {table}%",
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"no DELETE on {table} ever waited for the lock")
    finally:
        await admin.close()


async def test_a_scan_submitted_while_the_account_is_deleted_leaves_nothing(data_dir, pg_url):
    """Six scans in flight plus a delete left images with no rows: the deletion listed the images,
    then deleted the rows, and a scan committed in between lost its image to nobody."""
    settings = MeshSettings(data_dir=data_dir, database_url=pg_url)
    component = svc_waste.component.build(
        settings, WasteSettings(), publisher=InProcessBroker(), events=InProcessEventBus()
    )
    user_id = uuid.uuid4().hex
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        first = (await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(user_id))).scan
        await _add_feedback(settings, first, user_id)
        # Another transaction holds the user's labelled example: the deletion stops at it, midway.
        holder = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            lock = holder.transaction()
            await lock.start()
            await holder.execute("SELECT id FROM scan_feedback WHERE user_id = $1 FOR UPDATE", user_id)
            deletion = asyncio.ensure_future(
                stub.DeleteUserScans(pb.DeleteUserScansRequest(), metadata=user(user_id))
            )
            await _waiting_on_a_lock(pg_url, "scan_feedback")
            # A scan submitted now, while the deletion is under way.
            try:
                late = await stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(user_id))
                assert not late.created
            except grpc.aio.AioRpcError as refused:
                assert refused.code() == grpc.StatusCode.UNAUTHENTICATED
            await lock.rollback()
            await deletion
        finally:
            await holder.close()
        assert not (await stub.ListScans(pb.ListScansRequest(), metadata=user(user_id))).scans
    assert _images_of(settings, user_id) == []


async def test_the_orphan_sweep_reads_a_page_at_a_time_and_resumes(waste, monkeypatch):
    """Each call lists a bounded page of the store and carries on from there on the next call, so a
    large bucket is never listed whole in one upkeep run; every orphan goes in the end."""
    stub, settings = waste
    monkeypatch.setattr(svc_waste.servicer, "ORPHAN_PAGE", 2)
    monkeypatch.setattr(svc_waste.servicer, "ORPHAN_PAGES_PER_CALL", 1)
    user_id = uuid.uuid4().hex
    for _ in range(5):
        _stray(settings, f"scans/{user_id}/{uuid.uuid4().hex}.jpg", TWO_HOURS_AGO)
    left = []
    for _ in range(4):
        await stub.ExpireImages(pb.ExpireImagesRequest(retention_days=30), metadata=system_metadata())
        left.append(len(_images_of(settings, user_id)))
    assert left == [3, 1, 0, 0]
