"""AnswerScan and ListFeedback on an in-process WasteService, on SQLite and on the real PostgreSQL.

Scans and users are unique per test, so tests sharing the session's PostgreSQL database never
see each other's rows (ListFeedback lists everyone's: each test looks at its own scans only).
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.settings import WasteSettings
from tests.support import running, user
from tests.waste.test_lifecycle_servicer import jpeg

PLASTIC = common_pb2.Category(code="plastic", name_ko="플라스틱", name_en="Plastic")
CLEAR_PET = common_pb2.Category(code="clear_pet", name_ko="투명 페트병", name_en="Clear PET bottle")
QUESTION = common_pb2.Question(
    id="pet_clear",
    text="병이 투명한가요?",
    choices=[
        common_pb2.Choice(id="clear", label="투명해요", category=CLEAR_PET, item_id="clear_pet_bottle"),
        common_pb2.Choice(id="colored", label="색이 있어요", category=PLASTIC),
    ],
)
STATION = locations_pb2.DropOff(
    id="loc-1", name="투명 페트병 수거함", kind="recycling_station", lat=37.5, lon=127.0
)


def asking_result() -> pb.ScanResult:
    """What the worker stores when the photo leaves a question: the safe guidance plus each outcome."""
    return pb.ScanResult(
        category=PLASTIC,
        item="Plastic",
        item_ko="플라스틱",
        confidence=0.55,
        disposal=pb.Disposal(steps=["내용물을 비우세요"], bin="플라스틱"),
        coaching=["색이 있으면 플라스틱으로"],
        needs_confirmation=True,
        provider="on_device",
        model="m1",
        question=QUESTION,
        outcomes=[
            pb.ChoiceOutcome(
                choice_id="clear",
                category=CLEAR_PET,
                item="Clear PET bottle",
                item_ko="투명 페트병",
                item_id="clear_pet_bottle",
                disposal=pb.Disposal(steps=["라벨을 떼고 찌그러뜨리세요"], bin="투명 페트병"),
                coaching=["라벨을 떼면 재활용돼요"],
                drop_offs=[STATION],
            ),
            pb.ChoiceOutcome(
                choice_id="colored",
                category=PLASTIC,
                item="Plastic",
                item_ko="플라스틱",
                disposal=pb.Disposal(steps=["내용물을 비우세요"], bin="플라스틱"),
                coaching=["색이 있으면 플라스틱으로"],
            ),
        ],
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


class Env:
    def __init__(self, stub, events, servicer):
        self.stub, self.events, self.servicer = stub, events, servicer

    async def scan(self, owner: str, result: pb.ScanResult | None = None) -> pb.Scan:
        """A scan of `owner`; finished with `result` when one is given (else left queued)."""
        scan = (await self.stub.CreateScan(pb.CreateScanRequest(image=jpeg()), metadata=user(owner))).scan
        if result is None:
            return scan
        await self.stub.StartProcessing(
            pb.StartProcessingRequest(scan_id=scan.scan_id, attempt=1), metadata=system_metadata()
        )
        done = await self.stub.CompleteScan(
            pb.CompleteScanRequest(scan_id=scan.scan_id, result=result), metadata=system_metadata()
        )
        return done.scan

    async def answer(
        self, owner: str, scan_id: str, choice_id: str, question_id: str = "pet_clear"
    ) -> pb.Scan:
        request = pb.AnswerScanRequest(scan_id=scan_id, question_id=question_id, choice_id=choice_id)
        return (await self.stub.AnswerScan(request, metadata=user(owner))).scan

    async def feedback(self) -> list[pb.Feedback]:
        examples, cursor = [], ""
        while True:
            page = await self.stub.ListFeedback(
                pb.ListFeedbackRequest(cursor=cursor, limit=2), metadata=system_metadata()
            )
            examples.extend(page.feedback)
            cursor = page.next_cursor
            if not cursor:
                return examples


@pytest.fixture
async def env(data_dir, database_url):
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    events = InProcessEventBus()
    component = build(mesh, WasteSettings(), publisher=InProcessBroker(), events=events)
    async with running(component) as channel:
        yield Env(waste_pb2_grpc.WasteServiceStub(channel), events, component.specs[0].servicer)


def uid() -> str:
    return uuid.uuid4().hex


async def _code(call) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return err.value.code()


async def test_the_chosen_outcome_becomes_the_result_and_a_labelled_example(env):
    owner = uid()
    scan = await env.scan(owner, asking_result())
    async with env.events.subscribe(f"scan:{scan.scan_id}") as inbox:
        answered = await env.answer(owner, scan.scan_id, "clear")
        event = await asyncio.wait_for(inbox.get(), 5)
    r = answered.result
    assert (r.category.code, r.item, r.item_ko, r.item_id) == (
        "clear_pet",
        "Clear PET bottle",
        "투명 페트병",
        "clear_pet_bottle",
    )
    assert list(r.disposal.steps) == ["라벨을 떼고 찌그러뜨리세요"] and r.disposal.bin == "투명 페트병"
    assert list(r.coaching) == ["라벨을 떼면 재활용돼요"] and [p.id for p in r.drop_offs] == ["loc-1"]
    assert not r.HasField("question") and not r.outcomes and not r.needs_confirmation
    assert (r.answer.question_id, r.answer.choice_id, r.answer.predicted_category) == (
        "pet_clear",
        "clear",
        "plastic",
    )
    assert r.answer.answered_at.seconds > 0 and r.model == "m1" and r.confidence == pytest.approx(0.55)
    assert answered.version == scan.version + 1
    assert event == {"status": "done", "version": answered.version}
    # Reads (served from the finished-scan cache) see the answer at once.
    got = await env.stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))
    assert got.scan == answered
    example = next(f for f in await env.feedback() if f.scan_id == scan.scan_id)
    assert (example.predicted_category, example.chosen_category) == ("plastic", "clear_pet")
    assert (example.question_id, example.choice_id, example.model) == ("pet_clear", "clear", "m1")
    assert example.image_key == scan.image_key and example.answered_at == r.answer.answered_at


async def test_only_the_owner_can_answer(env):
    owner = uid()
    scan = await env.scan(owner, asking_result())
    assert await _code(env.answer(uid(), scan.scan_id, "clear")) == grpc.StatusCode.NOT_FOUND
    assert await _code(env.answer(owner, uid(), "clear")) == grpc.StatusCode.NOT_FOUND
    system = pb.AnswerScanRequest(scan_id=scan.scan_id, question_id="pet_clear", choice_id="clear")
    assert (
        await _code(env.stub.AnswerScan(system, metadata=system_metadata()))
        == grpc.StatusCode.UNAUTHENTICATED
    )
    unchanged = await env.stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))
    assert unchanged.scan.result.HasField("question") and unchanged.scan.version == scan.version


async def test_answers_that_cannot_apply_change_nothing(env):
    owner = uid()
    queued = await env.scan(owner)
    assert await _code(env.answer(owner, queued.scan_id, "clear")) == grpc.StatusCode.FAILED_PRECONDITION
    clear = await env.scan(owner, pb.ScanResult(category=PLASTIC, confidence=0.97, model="m1"))
    assert await _code(env.answer(owner, clear.scan_id, "clear")) == grpc.StatusCode.FAILED_PRECONDITION
    asking = await env.scan(owner, asking_result())
    wrong_question = env.answer(owner, asking.scan_id, "clear", question_id="which_category")
    assert await _code(wrong_question) == grpc.StatusCode.FAILED_PRECONDITION
    assert await _code(env.answer(owner, asking.scan_id, "maybe")) == grpc.StatusCode.INVALID_ARGUMENT
    still = await env.stub.GetScan(pb.GetScanRequest(scan_id=asking.scan_id), metadata=user(owner))
    assert still.scan.version == asking.version and still.scan.result.HasField("question")
    first = await env.answer(owner, asking.scan_id, "colored")
    # The same answer again (a retry after a lost reply) returns the scan unchanged; another is refused.
    retry = await env.answer(owner, asking.scan_id, "colored")
    assert retry == first
    assert await _code(env.answer(owner, asking.scan_id, "clear")) == grpc.StatusCode.FAILED_PRECONDITION
    assert [f.choice_id for f in await env.feedback() if f.scan_id == asking.scan_id] == ["colored"]
    mine = {f.scan_id for f in await env.feedback()} & {queued.scan_id, clear.scan_id, asking.scan_id}
    assert mine == {asking.scan_id}


async def test_two_concurrent_answers_one_wins(env):
    owner = uid()
    scan = await env.scan(owner, asking_result())
    outcomes = await asyncio.gather(
        env.answer(owner, scan.scan_id, "clear"),
        env.answer(owner, scan.scan_id, "colored"),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, pb.Scan)]
    lost = [o for o in outcomes if not isinstance(o, pb.Scan)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], grpc.aio.AioRpcError) and lost[0].code() == grpc.StatusCode.FAILED_PRECONDITION
    examples = [f for f in await env.feedback() if f.scan_id == scan.scan_id]
    assert [f.choice_id for f in examples] == [won[0].result.answer.choice_id]
    stored = await env.stub.GetScan(pb.GetScanRequest(scan_id=scan.scan_id), metadata=user(owner))
    assert stored.scan == won[0]


async def test_feedback_is_for_workers_oldest_first_and_goes_with_its_owner(env):
    owner = uid()
    scans = [await env.scan(owner, asking_result()) for _ in range(3)]
    for scan, choice in zip(scans, ("clear", "colored", "clear"), strict=True):
        await env.answer(owner, scan.scan_id, choice)
    ids = [s.scan_id for s in scans]
    listed = [f for f in await env.feedback() if f.scan_id in ids]  # two per page: the cursor is followed
    assert [f.scan_id for f in listed] == ids
    assert [f.chosen_category for f in listed] == ["clear_pet", "plastic", "clear_pet"]
    denied = env.stub.ListFeedback(pb.ListFeedbackRequest(), metadata=user(owner))
    assert await _code(denied) == grpc.StatusCode.PERMISSION_DENIED
    bad_cursor = env.stub.ListFeedback(pb.ListFeedbackRequest(cursor="nope!"), metadata=system_metadata())
    assert await _code(bad_cursor) == grpc.StatusCode.INVALID_ARGUMENT
    await env.stub.DeleteUserScans(pb.DeleteUserScansRequest(), metadata=user(owner))
    assert not {f.scan_id for f in await env.feedback()} & set(ids)


async def test_answered_scans_are_not_reclassified_and_expired_images_are_not_found(env):
    owner = uid()
    answered = await env.scan(owner, asking_result())
    await env.answer(owner, answered.scan_id, "clear")
    open_question = await env.scan(owner, asking_result())
    listed = await env.stub.ListScansForReclassification(
        pb.ListScansForReclassificationRequest(current_model="m2", limit=1000), metadata=system_metadata()
    )
    assert open_question.scan_id in listed.scan_ids and answered.scan_id not in listed.scan_ids
    image = pb.GetScanImageRequest(scan_id=answered.scan_id)
    assert (await env.stub.GetScanImage(image, metadata=system_metadata())).image == jpeg()
    # Two days on, a one-day retention has removed the photo; the example stays, its image is gone.
    env.servicer.clock = lambda: datetime.now(UTC) + timedelta(days=2)
    await env.stub.ExpireImages(
        pb.ExpireImagesRequest(retention_days=1, limit=1000), metadata=system_metadata()
    )
    assert await _code(env.stub.GetScanImage(image, metadata=system_metadata())) == grpc.StatusCode.NOT_FOUND
    assert answered.scan_id in {f.scan_id for f in await env.feedback()}


async def test_an_answer_racing_the_account_deletion_keeps_nothing(env):
    """The deletion's tombstone is committed while its scans are still being deleted: an answer that
    arrives in between is refused, and no labelled example outlives the account."""
    owner = uid()
    scan = await env.scan(owner, asking_result())
    await env.servicer.repo.tombstone(owner, datetime.now(UTC))
    assert await _code(env.answer(owner, scan.scan_id, "clear")) == grpc.StatusCode.UNAUTHENTICATED
    assert not [f for f in await env.feedback() if f.scan_id == scan.scan_id]
