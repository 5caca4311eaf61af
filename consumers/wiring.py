"""Builds the handlers' dependencies (gRPC stubs, vision) and the queue → handler table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc

from consumers.scan_job import ScanDeps, process_scan
from consumers.settings import ConsumerSettings
from consumers.upkeep_jobs import API_KINDS, BATCH_KINDS, SCHED_KINDS, UpkeepDeps, dispatcher
from mesh.grpc_channel import make_channel
from mesh.job_messages import parse
from mesh.jobs import Handler, JobContext, Publisher
from mesh.settings import MeshSettings
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from protos.wastecoach.users.v1 import users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2_grpc


def build_vision(settings: ConsumerSettings):
    # Imported here: loading the model is the consumer's business, not an importer's.
    from vision.classifier import OnDeviceClassifier
    from vision.cloud import Cascade, FallbackVision, OpenAIVisionProvider

    local = OnDeviceClassifier(threads=settings.vision_threads)
    cloud = None
    if settings.vision_openai_api_key:
        cloud = OpenAIVisionProvider(
            api_key=settings.vision_openai_api_key,
            base_url=settings.vision_openai_base_url,
            model=settings.vision_openai_model,
            timeout_s=settings.vision_timeout_s,
        )
    cascade = Cascade.of(settings.vision_cloud_families) if settings.vision_mode == "cascade" else None
    return FallbackVision(cloud, local, cascade=cascade)


def model_version(vision) -> str:
    """The on-device model's version: re-classification targets scans made by any other."""
    local = getattr(vision, "fallback", vision)
    return str(getattr(local, "model_version", ""))


@dataclass
class Workers:
    handlers: dict[str, Handler]
    channels: list[grpc.aio.Channel]

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


def scan_handler(deps: ScanDeps) -> Handler:
    """q.ai's handler: the message parsed into its model (refused to q.dlq when it does not fit)."""

    async def handle(body: dict[str, Any], ctx: JobContext) -> None:
        await process_scan(parse(ctx.queue, body), ctx, deps)

    return handle


def build_workers(
    mesh: MeshSettings, settings: ConsumerSettings, publisher: Publisher, vision=None
) -> Workers:
    identity = mesh.identity_key()

    def channel(service: str) -> grpc.aio.Channel:
        return make_channel(mesh.address_of(service), identity=identity, deadline_s=mesh.grpc_deadline_s)

    chans = {name: channel(name) for name in ("waste", "coach", "locations", "users")}
    deps = ScanDeps(
        waste=waste_pb2_grpc.WasteServiceStub(chans["waste"]),
        coach=coach_pb2_grpc.CoachServiceStub(chans["coach"]),
        locations=locations_pb2_grpc.LocationsServiceStub(chans["locations"]),
        users=users_pb2_grpc.UsersServiceStub(chans["users"]),
        vision=vision if vision is not None else build_vision(settings),
    )
    upkeep = UpkeepDeps(deps, publisher, settings.image_retention_days, lambda: model_version(deps.vision))
    handlers: dict[str, Handler] = {
        "q.ai": scan_handler(deps),
        "q.sched": dispatcher(SCHED_KINDS, upkeep),
        "q.batch": dispatcher(BATCH_KINDS, upkeep),
        "q.api": dispatcher(API_KINDS, upkeep),
    }
    return Workers(handlers=handlers, channels=list(chans.values()))
