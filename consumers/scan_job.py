"""The q.ai job: image → vision → coach (guidance, or a question) → locations → stored result and
history row.

Idempotent: a redelivered job for a finished scan only makes sure the history row exists.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol

import grpc
from opentelemetry import trace

from mesh import metrics
from mesh.identity import system_metadata, user_metadata
from mesh.job_messages import ScanJob
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
        item_ko=scan.result.item_ko or scan.result.category.name_ko,
        language=scan.language,
        confidence=scan.result.confidence,
        scanned_at=scan.created_at,
    )
    await deps.users.RecordScan(
        users_pb2.RecordScanRequest(entry=entry), metadata=user_metadata(scan.user_id)
    )


async def _region_of(deps: ScanDeps, user_id: str) -> str:
    """The owner's 시군구 code, so district rules apply; "" when they never set up a profile."""
    try:
        reply = await deps.users.GetProfile(users_pb2.GetProfileRequest(), metadata=user_metadata(user_id))
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return ""
        raise
    return reply.profile.region_code


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


async def _nearby(deps: ScanDeps, scan: waste_pb2.Scan, category: str) -> list[locations_pb2.DropOff]:
    if not (scan.HasField("lat") and scan.HasField("lon")):
        return []
    found = await deps.locations.FindNearby(
        locations_pb2.FindNearbyRequest(
            lat=scan.lat, lon=scan.lon, category=category, radius_m=NEARBY_RADIUS_M, limit=NEARBY_LIMIT
        )
    )
    return list(found.locations)


def _legacy(places: list[locations_pb2.DropOff]) -> list[waste_pb2.NearbyPlace]:
    """The same places in the deprecated field, for a waste service of the previous release, which
    reads only that one (this release only, see svc_waste/results.py)."""
    names = waste_pb2.NearbyPlace.DESCRIPTOR.fields_by_name
    return [waste_pb2.NearbyPlace(**{name: getattr(p, name) for name in names}) for p in places]


def _disposal(guidance: coach_pb2.Guidance) -> waste_pb2.Disposal:
    return waste_pb2.Disposal(
        steps=list(guidance.steps), why=guidance.why, bin=guidance.bin, tip=guidance.tip
    )


async def _item_names(
    deps: ScanDeps, clarified: coach_pb2.ClarifyResponse, language: str
) -> dict[str, tuple[str, str]]:
    """(English, Korean) names by item id for the shown guidance and every choice's item."""
    main = clarified.guidance.item_id
    names = {main: (clarified.item_name_en, clarified.item_name_ko)} if main else {}
    for c in clarified.choices:
        if c.guidance.item_id and (c.item_name_en or c.item_name_ko):
            names.setdefault(c.guidance.item_id, (c.item_name_en, c.item_name_ko))
    # A coach of the previous release names no choice: ask it item by item.
    others = {c.guidance.item_id for c in clarified.choices if c.guidance.item_id} - names.keys()
    items = await asyncio.gather(
        *(deps.coach.GetItem(coach_pb2.GetItemRequest(item_id=i, language=language)) for i in sorted(others))
    )
    names.update((reply.item.id, (reply.item.name_en, reply.item.name_ko)) for reply in items)
    return names


async def analyse(
    deps: ScanDeps, scan: waste_pb2.Scan, image: bytes, reuse: bool = False
) -> waste_pb2.ScanResult:
    prediction = (reuse and deps.predictions.get(scan.scan_id)) or await _classify(deps, image, scan.hint)
    deps.remember(scan.scan_id, prediction)
    flags = common_pb2.ConditionFlags(**{k: bool(v) for k, v in prediction.flags.items()})
    # The coach decides: what to show, and whether the photo leaves a question that changes the bin.
    clarified = await deps.coach.Clarify(
        coach_pb2.ClarifyRequest(
            category_probs=prediction.category_probs,
            uncertain=prediction.needs_confirmation,
            item_name=prediction.item_ko or prediction.item,
            flags=flags,
            hint=scan.hint,
            language=scan.language,
            region_code=await _region_of(deps, scan.user_id),
        )
    )
    guidance = clarified.guidance
    asking = clarified.HasField("question")
    names = await _item_names(deps, clarified, scan.language)
    # One drop-off search per category: a choice leading to the shown category reuses its places.
    choices = list(clarified.choices) if asking else []
    categories = list(dict.fromkeys([guidance.category.code, *(c.guidance.category.code for c in choices)]))
    found = await asyncio.gather(*(_nearby(deps, scan, code) for code in categories))
    nearby = dict(zip(categories, found, strict=True))

    def named(g: coach_pb2.Guidance) -> tuple[str, str]:
        en, ko = names.get(g.item_id, ("", ""))
        # Without a knowledge-base item, the model's own words still name what the photo shows.
        own = g.category.code == prediction.category
        return (
            en or (own and prediction.item) or g.category.name_en,
            ko or (own and prediction.item_ko) or g.category.name_ko,
        )

    def outcome(choice: coach_pb2.ChoiceGuidance) -> waste_pb2.ChoiceOutcome:
        g = choice.guidance
        item, item_ko = named(g)
        return waste_pb2.ChoiceOutcome(
            choice_id=choice.choice_id,
            category=g.category,
            item=item,
            item_ko=item_ko,
            item_id=g.item_id,
            disposal=_disposal(g),
            coaching=list(g.coaching),
            drop_offs=nearby[g.category.code],
            nearby=_legacy(nearby[g.category.code]),
        )

    item, item_ko = named(guidance)
    return waste_pb2.ScanResult(
        category=guidance.category,
        item=item,
        item_ko=item_ko,
        item_id=guidance.item_id,
        # The photo's material describes the photo's category only.
        material=prediction.material if guidance.category.code == prediction.category else "",
        confidence=clarified.confidence,
        alternatives=[waste_pb2.Alternative(code=a.code, confidence=a.score) for a in clarified.alternatives],
        disposal=_disposal(guidance),
        coaching=list(guidance.coaching),
        drop_offs=nearby[guidance.category.code],
        nearby=_legacy(nearby[guidance.category.code]),
        # A question is open until its owner answers; each choice's result is ready for that moment.
        needs_confirmation=asking,
        question=clarified.question if asking else None,
        outcomes=[outcome(c) for c in choices],
        provider=prediction.provider,
        model=prediction.model,
        flags=flags,
    )


async def process_scan(job: ScanJob, ctx: JobContext, deps: ScanDeps) -> None:
    scan_id = job.scan_id
    started = await deps.waste.StartProcessing(
        waste_pb2.StartProcessingRequest(scan_id=scan_id, attempt=ctx.attempt, reclassify=job.reclassify),
        metadata=system_metadata(),
    )
    if started.already_finished:
        # A redelivery after the result was stored: make sure the history row exists, nothing more.
        await _record_history(deps, started.scan)
        return
    scan = started.scan
    try:
        if not started.image:
            raise LookupError("the scan's photo is no longer stored")
        result = await analyse(deps, scan, started.image, reuse=ctx.outages > 0)
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
