"""A stored ScanResult: reading its open question and writing the result an answer leads to.

The result is kept as the proto's JSON; these helpers keep that format in one place.

Places moved from the deprecated `nearby` (NearbyPlace) to `drop_offs` (locations.v1.DropOff). For
this release both are filled wherever a result travels (`both`), and the stored JSON keeps the
previous release's format, places under `nearby`: during a rolling update (and after a rollback) the
previous release's waste service, edge and workers read every result this one writes, and this one
reads theirs. The next release stores and sends `drop_offs` only.
"""

from __future__ import annotations

from google.protobuf import json_format
from google.protobuf.message import Message

from mesh.proto_time import to_timestamp
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from svc_waste import domain


def parse(result_json: str | None) -> pb.ScanResult:
    result = pb.ScanResult()
    if result_json:
        # A later release may store fields this one does not know: they must not make a row unreadable.
        json_format.Parse(result_json, result, ignore_unknown_fields=True)
    return both(result)


def dump(result: pb.ScanResult) -> str:
    """The stored JSON, in the previous release's format (places under `nearby`)."""
    stored = both(result)
    for part in (stored, *stored.outcomes):
        part.ClearField("drop_offs")
    return json_format.MessageToJson(stored, indent=None)


def both(result: pb.ScanResult) -> pb.ScanResult:
    """A copy of the result with its places in both `drop_offs` and the deprecated `nearby`."""
    filled = pb.ScanResult()
    filled.CopyFrom(result)
    for part in (filled, *filled.outcomes):
        if not part.drop_offs:
            part.drop_offs.extend(_by_name(p, locations_pb2.DropOff) for p in part.nearby)
        if not part.nearby:
            part.nearby.extend(_by_name(p, pb.NearbyPlace) for p in part.drop_offs)
    return filled


def _by_name(place: Message, kind: type[Message]) -> Message:
    # By field name: the names match, the numbers do not (map_url is 9 in NearbyPlace, 12 in DropOff).
    names = place.DESCRIPTOR.fields_by_name
    return kind(**{f.name: getattr(place, f.name) for f in kind.DESCRIPTOR.fields if f.name in names})


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
    del answered.nearby[:]
    answered.nearby.extend(outcome.nearby)
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
