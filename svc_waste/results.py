"""A stored ScanResult: reading its open question and writing the result an answer leads to.

The result is kept as the proto's JSON; these helpers keep that format in one place. Results written
before `drop_offs` (stored rows, a consumer of the previous release) carry their places in the
deprecated `nearby`; they are read and stored as `drop_offs`.
"""

from __future__ import annotations

from google.protobuf import json_format

from mesh.proto_time import to_timestamp
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from svc_waste import domain


def parse(result_json: str | None) -> pb.ScanResult:
    result = pb.ScanResult()
    if result_json:
        json_format.Parse(result_json, result)
    return _upgraded(result)


def dump(result: pb.ScanResult) -> str:
    return json_format.MessageToJson(_upgraded(result), indent=None)


def _upgraded(result: pb.ScanResult) -> pb.ScanResult:
    """The result with places in the deprecated `nearby` moved to `drop_offs` (a copy when any)."""
    if not (result.nearby or any(o.nearby for o in result.outcomes)):
        return result
    upgraded = pb.ScanResult()
    upgraded.CopyFrom(result)
    for part in (upgraded, *upgraded.outcomes):
        if not part.drop_offs:
            part.drop_offs.extend(_drop_off(p) for p in part.nearby)
        part.ClearField("nearby")
    return upgraded


def _drop_off(place: pb.NearbyPlace) -> locations_pb2.DropOff:
    # By field name, as the stored JSON is keyed: the names match, the numbers do not (map_url 9 vs 12).
    return json_format.ParseDict(json_format.MessageToDict(place), locations_pb2.DropOff())


def open_question(result: pb.ScanResult) -> domain.OpenQuestion | None:
    if not result.HasField("question"):
        return None
    # Only a choice with a stored outcome can be applied; any other is not a valid answer.
    leads_to = {o.choice_id: o.category.code for o in result.outcomes}
    choices = {c.id: leads_to[c.id] for c in result.question.choices if c.id in leads_to}
    return domain.OpenQuestion(result.question.id, choices)


def predicted(result: pb.ScanResult) -> str:
    """What the model (with the hint) found most likely; the category shown may be the safe choice."""
    return result.alternatives[0].code if result.alternatives else result.category.code


def repeats(result: pb.ScanResult, question_id: str, choice_id: str) -> bool:
    return (
        result.HasField("answer")
        and result.answer.question_id == question_id
        and result.answer.choice_id == choice_id
    )


def apply_answer(result: pb.ScanResult, given: domain.Answer) -> pb.ScanResult:
    """The chosen outcome becomes the result; the question closes and the answer is recorded."""
    outcome = next(o for o in result.outcomes if o.choice_id == given.choice_id)
    answered = pb.ScanResult()
    answered.CopyFrom(result)
    answered.category.CopyFrom(outcome.category)
    answered.item, answered.item_ko, answered.item_id = outcome.item, outcome.item_ko, outcome.item_id
    answered.disposal.CopyFrom(outcome.disposal)
    del answered.coaching[:]
    answered.coaching.extend(outcome.coaching)
    del answered.drop_offs[:]
    answered.drop_offs.extend(outcome.drop_offs)
    answered.ClearField("question")
    answered.ClearField("outcomes")
    answered.needs_confirmation = False
    answered.answer.CopyFrom(
        pb.ScanAnswer(
            question_id=given.question_id,
            choice_id=given.choice_id,
            predicted_category=given.predicted_category,
            answered_at=to_timestamp(given.answered_at),
        )
    )
    return answered
