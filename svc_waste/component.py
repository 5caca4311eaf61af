"""Wires svc_waste: engine, image store, queue publisher, event bus, servicer, outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from mesh.cache import Cache
from mesh.component import ServiceComponent
from mesh.db import create_engine, ping, session_factory
from mesh.events import EventBus
from mesh.grpc_server import ServiceSpec
from mesh.jobs import Publisher
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from svc_waste.repo import WasteRepo
from svc_waste.servicer import WasteServicer
from svc_waste.settings import WasteSettings, images_dir
from svc_waste.storage import ImageStore, LocalImageStore

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = waste_pb2.DESCRIPTOR.services_by_name["WasteService"].full_name


def image_store(mesh: MeshSettings, settings: WasteSettings) -> ImageStore:
    if settings.s3_bucket:
        from svc_waste.s3 import S3ImageStore

        return S3ImageStore(settings.s3_bucket, settings.s3_region, settings.s3_endpoint_url)
    return LocalImageStore(images_dir(mesh))


def build(
    mesh: MeshSettings,
    settings: WasteSettings,
    *,
    publisher: Publisher,
    events: EventBus,
    cache: Cache | None = None,
    relay: bool = True,
    redrive_on_start: bool = False,
) -> ServiceComponent:
    """relay=False: a read-only instance (the feedback export) that must never publish stored jobs.
    redrive_on_start: the jobs lived in this process's own queue (the embedded default)."""
    url = mesh.database_url_for("waste")
    engine = create_engine(url)
    repo = WasteRepo(session_factory(engine))
    servicer = WasteServicer(repo, image_store(mesh, settings), publisher, events, cache)
    relays: list[asyncio.Task[None]] = []

    async def startup() -> None:
        if relay:
            relays.append(asyncio.create_task(servicer.outbox.run(settings, redrive_on_start)))

    async def shutdown() -> None:
        for task in relays:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await engine.dispose()

    return ServiceComponent(
        name="waste",
        specs=[ServiceSpec(SERVICE_NAME, waste_pb2_grpc.add_WasteServiceServicer_to_server, servicer)],
        startup=startup,
        migrate=lambda: upgrade_async(url, MIGRATIONS, "alembic_version_waste"),
        shutdown=shutdown,
        check=lambda: ping(engine),
    )
