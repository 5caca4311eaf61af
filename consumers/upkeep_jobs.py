"""q.sched, q.batch and q.api jobs: image expiry, open-data refresh, re-classification, Kakao sync.

Each message names its `kind` (mesh/job_messages.py); every kind is idempotent, so a duplicate
(two schedulers, a redelivery) does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from consumers.scan_job import ScanDeps, process_scan
from mesh.identity import system_metadata
from mesh.job_messages import (
    ExpireImages,
    KakaoSync,
    PlanReclassification,
    Reclassify,
    RefreshOpenData,
    ScanJob,
    parse,
)
from mesh.jobs import JobContext, Publisher
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2

RECLASSIFY_PAGE = 200
log = logging.getLogger(__name__)


@dataclass
class UpkeepDeps:
    scan: ScanDeps
    publisher: Publisher
    retention_days: int
    # Asked when planning, so the model loads only in a process that plans.
    current_model: Callable[[], str]


async def expire_images(job: ExpireImages, ctx: JobContext, deps: UpkeepDeps) -> None:
    await deps.scan.waste.ExpireImages(
        waste_pb2.ExpireImagesRequest(retention_days=deps.retention_days, limit=job.limit),
        metadata=system_metadata(),
    )


async def refresh_open_data(job: RefreshOpenData, ctx: JobContext, deps: UpkeepDeps) -> None:
    await deps.scan.locations.RefreshOpenData(
        locations_pb2.RefreshOpenDataRequest(), metadata=system_metadata()
    )


async def kakao_sync(job: KakaoSync, ctx: JobContext, deps: UpkeepDeps) -> None:
    """q.api: the slow external call runs here, off the request path, with the queue's retries."""
    await deps.scan.locations.SyncKakaoPlaces(
        locations_pb2.SyncKakaoPlacesRequest(
            query=job.query, lat=job.lat, lon=job.lon, radius_m=job.radius_m, category=job.category
        ),
        metadata=system_metadata(),
        timeout=60,
    )


async def plan_reclassification(job: PlanReclassification, ctx: JobContext, deps: UpkeepDeps) -> None:
    """Fans out one q.batch job per scan whose result came from an older model."""
    model = deps.current_model()
    if not model:
        log.warning("no on-device model version known; nothing to re-classify against")
        return
    reply = await deps.scan.waste.ListScansForReclassification(
        waste_pb2.ListScansForReclassificationRequest(current_model=model, limit=RECLASSIFY_PAGE),
        metadata=system_metadata(),
    )
    for scan_id in reply.scan_ids:
        await deps.publisher.publish(
            "q.batch",
            Reclassify(scan_id=scan_id).body(),
            # One job per scan and model: a second plan run publishes the same id.
            message_id=f"reclassify:{scan_id}:{model}",
        )


async def reclassify(job: Reclassify, ctx: JobContext, deps: UpkeepDeps) -> None:
    await process_scan(ScanJob(scan_id=job.scan_id, reclassify=True), ctx, deps.scan)


SCHED_KINDS = {
    "expire_images": expire_images,
    "refresh_open_data": refresh_open_data,
    "plan_reclassification": plan_reclassification,
}
BATCH_KINDS = {"reclassify": reclassify}
API_KINDS = {"kakao_sync": kakao_sync}


def dispatcher(kinds: dict[str, Any], deps: UpkeepDeps):
    """The queue's handler: its message parsed (an unknown kind is refused there), then its kind's."""

    async def handle(body: dict[str, Any], ctx: JobContext) -> None:
        job = parse(ctx.queue, body)
        await kinds[job.kind](job, ctx, deps)

    return handle
