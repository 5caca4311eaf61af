"""The q.ai job: image → vision → coach → locations → stored result and history row.

Idempotent: a redelivered job for a finished scan only makes sure the history row exists.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from opentelemetry import trace

from consumers.combine import HintMatch, decide
from mesh import metrics
from mesh.identity import system_metadata, user_metadata
from mesh.jobs import JobContext
from protos.wastecoach.coach.v1 import coach_pb2, coach_pb2_grpc
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.locations.v1 import locations_pb2, locations_pb2_grpc
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from vision.types import ImageRejected, Prediction

log = logging.getLogger(__name__)
tracer = trace.get_tracer("wastecoach.consumers")
# The nearest places that accept the item, even when they are not close: public drop-off data is
# sparse beyond clothing bins (from Seoul City Hall the nearest point taking glass is 6 km away).
# The ring search answers dense areas from its first 1 km ring, so the wide radius costs little.
NEARBY_RADIUS_M = 20_000
NEARBY_LIMIT = 5
PREDICTIONS_KEPT = 512
USER_MESSAGE = "We couldn't analyse this photo right now. Please try again in a moment."


class Vision(Protocol):
    async def classify(self, data: bytes, hint: str | None = None) -> Prediction: ...


@dataclass
class ScanDeps:
    waste: waste_pb2_grpc.WasteServiceStub
    coach: coach_pb2_grpc.CoachServiceStub
    locations: locations_pb2_grpc.LocationsServiceStub
    users: users_pb2_grpc.UsersServiceStub
    vision: Vision
    # The last predictions by scan id: a retry after an outage of a later step (coach, locations,
    # saving the result) reuses the answer instead of paying for the cloud call again.
    predictions: OrderedDict[str, Prediction] = field(default_factory=OrderedDict)

    def remember(self, scan_id: str, prediction: Prediction) -> None:
        self.predictions[scan_id] = prediction
        while len(self.predictions) > PREDICTIONS_KEPT:
            self.predictions.popitem(last=False)


async def _record_history(deps: ScanDeps, scan: waste_pb2.Scan) -> None:
    entry = users_pb2.HistoryEntry(
        scan_id=scan.scan_id,
        category_code=scan.result.category.code,
        item=scan.result.item or scan.result.category.name_en,
        confidence=scan.result.confidence,
        scanned_at=scan.created_at,
    )
    await deps.users.RecordScan(
        users_pb2.RecordScanRequest(entry=entry), metadata=user_metadata(scan.user_id)
    )


async def _hint_match(deps: ScanDeps, hint: str, language: str) -> HintMatch | None:
    if not hint:
        return None
    found = await deps.coach.SearchItems(coach_pb2.SearchItemsRequest(query=hint, limit=1, language=language))
    if not found.items:
        return None
    top = found.items[0]
    return HintMatch(top.id, top.category.code, top.name_en, top.name_ko, top.score)


async def _classify(deps: ScanDeps, image: bytes, hint: str) -> Prediction:
    with tracer.start_as_current_span("vision.classify") as span:
        start = time.perf_counter()
        prediction = await deps.vision.classify(image, hint or None)
        metrics.VISION_SECONDS.labels(prediction.provider).observe(time.perf_counter() - start)
        span.set_attributes(
            {
                "vision.provider": prediction.provider,
                "vision.model": prediction.model,
                "vision.category": prediction.category,
                "vision.confidence": prediction.confidence,
            }
        )
        return prediction


async def _nearby(deps: ScanDeps, scan: waste_pb2.Scan, category: str) -> list[waste_pb2.NearbyPlace]:
    if not (scan.HasField("lat") and scan.HasField("lon")):
        return []
    found = await deps.locations.FindNearby(
        locations_pb2.FindNearbyRequest(
            lat=scan.lat, lon=scan.lon, category=category, radius_m=NEARBY_RADIUS_M, limit=NEARBY_LIMIT
        )
    )
    return [
        waste_pb2.NearbyPlace(
            id=p.id,
            name=p.name,
            kind=p.kind,
            lat=p.lat,
            lon=p.lon,
            distance_m=p.distance_m,
            accepts=list(p.accepts),
            address=p.address,
            map_url=p.map_url,
        )
        for p in found.locations
    ]


async def analyse(
    deps: ScanDeps, scan: waste_pb2.Scan, image: bytes, reuse: bool = False
) -> waste_pb2.ScanResult:
    prediction = (reuse and deps.predictions.get(scan.scan_id)) or await _classify(deps, image, scan.hint)
    deps.remember(scan.scan_id, prediction)
    hint = await _hint_match(deps, scan.hint, scan.language)
    decision = decide(prediction.category_probs, hint, prediction.needs_confirmation)
    own_item = decision.category == prediction.category and not decision.item
    item_en = decision.item or (prediction.item if own_item else "")
    item_ko = decision.item_ko or (prediction.item_ko if own_item else "")
    flags = common_pb2.ConditionFlags(**{k: bool(v) for k, v in prediction.flags.items()})
    guidance = (
        await deps.coach.GetGuidance(
            coach_pb2.GetGuidanceRequest(
                category_code=decision.category,
                item_id=decision.item_id,
                item_name=item_ko or item_en,
                flags=flags,
                hint=scan.hint,
                language=scan.language,
            )
        )
    ).guidance
    return waste_pb2.ScanResult(
        category=guidance.category,
        item=item_en or guidance.category.name_en,
        item_ko=item_ko or guidance.category.name_ko,
        item_id=decision.item_id or guidance.item_id,
        material=prediction.material if own_item else "",
        confidence=decision.confidence,
        alternatives=[waste_pb2.Alternative(code=c, confidence=p) for c, p in decision.alternatives],
        disposal=waste_pb2.Disposal(
            steps=list(guidance.steps), why=guidance.why, bin=guidance.bin, tip=guidance.tip
        ),
        coaching=list(guidance.coaching),
        nearby=await _nearby(deps, scan, decision.category),
        needs_confirmation=decision.needs_confirmation,
        provider=prediction.provider,
        model=prediction.model,
        flags=flags,
    )


async def process_scan(body: dict[str, Any], ctx: JobContext, deps: ScanDeps) -> None:
    scan_id = str(body.get("scan_id", ""))
    if not scan_id:
        raise ValueError("job has no scan_id")
    started = await deps.waste.StartProcessing(
        waste_pb2.StartProcessingRequest(
            scan_id=scan_id, attempt=ctx.attempt, reclassify=bool(body.get("reclassify"))
        ),
        metadata=system_metadata(),
    )
    if started.already_finished:
        # A redelivery after the result was stored: make sure the history row exists, nothing more.
        await _record_history(deps, started.scan)
        return
    scan = started.scan
    try:
        image = (
            await deps.waste.GetScanImage(
                waste_pb2.GetScanImageRequest(scan_id=scan_id), metadata=system_metadata()
            )
        ).image
        result = await analyse(deps, scan, image, reuse=ctx.outages > 0)
    except ImageRejected as rejected:
        # The photo itself is the problem: retrying cannot help, tell the user why.
        await deps.waste.FailScan(
            waste_pb2.FailScanRequest(
                scan_id=scan_id, error_code=rejected.code, error_message=rejected.reason
            ),
            metadata=system_metadata(),
        )
        return
    except Exception as exc:
        if not ctx.retried_after(exc):
            await deps.waste.FailScan(
                waste_pb2.FailScanRequest(
                    scan_id=scan_id, error_code="processing_failed", error_message=USER_MESSAGE
                ),
                metadata=system_metadata(),
            )
        raise
    done = await deps.waste.CompleteScan(
        waste_pb2.CompleteScanRequest(scan_id=scan_id, result=result), metadata=system_metadata()
    )
    deps.predictions.pop(scan_id, None)
    await _record_history(deps, done.scan)
