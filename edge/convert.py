"""proto → REST shapes; kept apart so routes stay a few lines each."""

from __future__ import annotations

from datetime import UTC

from edge import schemas
from protos.wastecoach.coach.v1 import coach_pb2
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2

STATUS = {
    waste_pb2.SCAN_STATUS_QUEUED: "queued",
    waste_pb2.SCAN_STATUS_PROCESSING: "processing",
    waste_pb2.SCAN_STATUS_DONE: "done",
    waste_pb2.SCAN_STATUS_FAILED: "failed",
}


def category(c: common_pb2.Category) -> schemas.Category:
    return schemas.Category(code=c.code, name_ko=c.name_ko, name_en=c.name_en)


def question(q: common_pb2.Question) -> schemas.ScanQuestion:
    return schemas.ScanQuestion(
        id=q.id,
        text=q.text,
        choices=[
            schemas.QuestionChoice(id=c.id, label=c.label, category=category(c.category), item_id=c.item_id)
            for c in q.choices
        ],
    )


def answer(a: waste_pb2.ScanAnswer) -> schemas.ScanAnswer:
    return schemas.ScanAnswer(
        question_id=a.question_id,
        choice_id=a.choice_id,
        predicted_category=a.predicted_category,
        answered_at=a.answered_at.ToDatetime(tzinfo=UTC),
    )


def scan(s: waste_pb2.Scan) -> schemas.Scan:
    status = STATUS.get(s.status, "queued")
    out = schemas.Scan(
        scan_id=s.scan_id,
        status=status,
        created_at=s.created_at.ToDatetime(tzinfo=UTC),
        updated_at=s.updated_at.ToDatetime(tzinfo=UTC),
    )
    if status == "done" and s.HasField("result"):
        r = s.result
        out.result = schemas.ScanResult(
            category=category(r.category),
            item=r.item,
            item_ko=r.item_ko,
            material=r.material,
            confidence=r.confidence,
            alternatives=[schemas.Alternative(code=a.code, confidence=a.confidence) for a in r.alternatives],
            needs_confirmation=r.needs_confirmation,
            disposal=schemas.Disposal(
                steps=list(r.disposal.steps), why=r.disposal.why, bin=r.disposal.bin, tip=r.disposal.tip
            ),
            coaching=list(r.coaching),
            # `nearby`: a scan an earlier waste service cached or answered (deprecated, read-only).
            nearby=[nearby(p) for p in (r.drop_offs or r.nearby)],
            provider=r.provider,
            model=r.model,
            # `outcomes` stay internal: the app learns a choice's guidance by answering.
            question=question(r.question) if r.HasField("question") else None,
            answer=answer(r.answer) if r.HasField("answer") else None,
        )
    if status == "failed":
        out.error = schemas.ScanError(code=s.error_code, message=s.error_message)
    return out


def nearby(d: locations_pb2.DropOff | waste_pb2.NearbyPlace) -> schemas.Nearby:
    """A drop-off as a scan result shows it (the fields of GET /locations/nearby less a few)."""
    return schemas.Nearby(
        id=d.id,
        name=d.name,
        kind=d.kind,
        lat=d.lat,
        lon=d.lon,
        distance_m=d.distance_m,
        accepts=list(d.accepts),
        address=d.address,
        map_url=d.map_url,
    )


def item(i: coach_pb2.Item, with_score: bool = False) -> schemas.Item:
    return schemas.Item(
        id=i.id,
        name_ko=i.name_ko,
        name_en=i.name_en,
        category=category(i.category),
        steps=list(i.steps),
        why=i.why,
        common_mistake=i.common_mistake,
        source=i.source,
        tip=i.tip,
        tip_kind=i.tip_kind,
        bin=i.bin,
        score=round(i.score, 4) if with_score else None,
    )


def drop_off(d: locations_pb2.DropOff, with_distance: bool = True) -> schemas.DropOff:
    return schemas.DropOff(
        id=d.id,
        name=d.name,
        kind=d.kind,
        lat=d.lat,
        lon=d.lon,
        distance_m=round(d.distance_m, 1) if with_distance else None,
        accepts=list(d.accepts),
        address=d.address,
        opening_hours=d.opening_hours,
        source=d.source,
        licence=d.licence,
        map_url=d.map_url,
        updated_at=d.updated_at,
    )
