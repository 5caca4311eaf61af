"""q.sched and q.batch jobs: image expiry, re-classification with a new model.

Each body names its `kind`; every kind is idempotent, so a duplicate (two schedulers, a
redelivery) does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from consumers.scan_job import ScanDeps, process_scan
from mesh.identity import system_metadata
from mesh.jobs import JobContext, Publisher
from protos.wastecoach.waste.v1 import waste_pb2

RECLASSIFY_PAGE = 200


@dataclass
class UpkeepDeps:
    scan: ScanDeps
    publisher: Publisher
    retention_days: int
    current_model: str


async def expire_images(body: dict[str, Any], ctx: JobContext, deps: UpkeepDeps) -> None:
    await deps.scan.waste.ExpireImages(
        waste_pb2.ExpireImagesRequest(retention_days=deps.retention_days, limit=int(body.get("limit", 1000))),
        metadata=system_metadata(),
    )


async def plan_reclassification(body: dict[str, Any], ctx: JobContext, deps: UpkeepDeps) -> None:
    """Fans out one q.batch job per scan whose result came from an older model."""
    reply = await deps.scan.waste.ListScansForReclassification(
        waste_pb2.ListScansForReclassificationRequest(
            current_model=deps.current_model, limit=RECLASSIFY_PAGE
        ),
        metadata=system_metadata(),
    )
    for scan_id in reply.scan_ids:
        await deps.publisher.publish(
            "q.batch",
            {"kind": "reclassify", "scan_id": scan_id, "reclassify": True},
            # One job per scan and model: a second plan run publishes the same id.
            message_id=f"reclassify:{scan_id}:{deps.current_model}",
        )


async def reclassify(body: dict[str, Any], ctx: JobContext, deps: UpkeepDeps) -> None:
    await process_scan({"scan_id": body["scan_id"], "reclassify": True}, ctx, deps.scan)


SCHED_KINDS = {"expire_images": expire_images, "plan_reclassification": plan_reclassification}
BATCH_KINDS = {"reclassify": reclassify}


def dispatcher(kinds: dict[str, Any], deps: UpkeepDeps):
    async def handle(body: dict[str, Any], ctx: JobContext) -> None:
        job = kinds.get(str(body.get("kind")))
        if job is None:
            raise ValueError(f"unknown job kind {body.get('kind')!r} on {ctx.queue}")
        await job(body, ctx, deps)

    return handle
