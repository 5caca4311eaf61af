"""The LLM path against a local, spec-faithful Chat Completions server: accepted, rejected, slow, 429."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import pytest
from prometheus_client import REGISTRY

from protos.wastecoach.coach.v1 import coach_pb2 as pb
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from svc_coach import grounding
from svc_coach.coaching import Flags, compose
from svc_coach.component import build
from svc_coach.settings import CoachSettings
from tests.support import TEST_KEY, signed_channel

from .fake_chat import FakeChat

GOOD_KO = (
    "피자박스는 기름이나 치즈가 묻은 부분을 찢어서 종량제봉투에 넣어 주세요. "
    "깨끗한 부분만 펼쳐서 종이류로 내놓으면 돼요!"
)
BAD_KO = "피자박스는 통째로 플라스틱류 수거함에 넣으세요."


def _rejections() -> float:
    metric = REGISTRY.get_sample_value
    reasons = ("bin_missing", "other_category", "other_code", "says_recycle", "must_missing")
    return sum(metric("wastecoach_llm_rejections_total", {"reason": r}) or 0.0 for r in reasons)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeChat]:
    server = FakeChat().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def stub(fake) -> AsyncIterator[coach_pb2_grpc.CoachServiceStub]:
    settings = CoachSettings(
        coach_openai_api_key="test-key",
        coach_openai_base_url=fake.base_url,
        coach_openai_model="gpt-4o-mini",
        llm_timeout_s=0.5,
        llm_max_retries=1,
    )
    comp = build(settings)
    server = await comp.start("127.0.0.1", 0, TEST_KEY)
    channel = signed_channel(f"127.0.0.1:{server.port}")
    try:
        yield coach_pb2_grpc.CoachServiceStub(channel)
    finally:
        await channel.close()
        await comp.stop(0)


async def test_a_grounded_answer_is_used(fake, stub):
    fake.mode, fake.answer = "good", GOOD_KO
    fake.requests.clear()
    g = (await stub.GetGuidance(pb.GetGuidanceRequest(item_id="pizza_box"))).guidance
    assert g.composed_by == "llm"
    assert g.coaching[0] == GOOD_KO
    assert g.category.code == "paper"
    # The KB entry is in the prompt: the model is grounded in it.
    prompt = fake.requests[-1]["messages"][-1]["content"]
    assert "종이류 수거함" in prompt and "기름이나 치즈가 묻은 부분은 찢어서" in prompt


async def test_a_contradicting_answer_is_replaced_by_the_kb_text(fake, stub, kb):
    fake.mode, fake.contradiction = "contradict", BAD_KO
    before = _rejections()
    g = (await stub.GetGuidance(pb.GetGuidanceRequest(item_id="pizza_box"))).guidance
    assert g.composed_by == "kb"
    assert g.coaching[0] == compose(kb, "", kb.items["pizza_box"], Flags(), "", "ko").coaching[0]
    assert BAD_KO not in g.coaching
    assert _rejections() == before + 1


async def test_recycle_advice_for_a_general_waste_item_is_rejected(fake, stub):
    fake.mode = "contradict"
    fake.contradiction = "Receipts are paper, so please recycle them with your paper recycling."
    before = _rejections()
    response = await stub.GetGuidance(pb.GetGuidanceRequest(item_id="thermal_receipt", language="en"))
    assert response.guidance.composed_by == "kb"
    assert response.guidance.bin == "general-waste pay-as-you-throw bag"
    assert _rejections() == before + 1


async def test_a_slow_llm_falls_back_within_the_bounded_retries(fake, stub):
    fake.mode, fake.slow_s = "slow", 3.0
    started = time.monotonic()
    g = (await stub.GetGuidance(pb.GetGuidanceRequest(item_id="butane_can"))).guidance
    assert g.composed_by == "kb"
    assert time.monotonic() - started < 2.9


async def test_429_falls_back_after_honouring_retry_after(fake, stub):
    fake.mode = "rate_limited"
    fake.requests.clear()
    g = (await stub.GetGuidance(pb.GetGuidanceRequest(item_id="aseptic_carton"))).guidance
    assert g.composed_by == "kb"
    assert len(fake.requests) == 2  # the first try and one retry, then the KB text


async def test_ask_uses_a_grounded_llm_answer_with_sources(fake, stub):
    fake.mode, fake.answer = "good", GOOD_KO
    response = await stub.Ask(pb.AskRequest(question="피자박스 어떻게 버려?"))
    assert response.composed_by == "llm" and response.answer == GOOD_KO
    assert response.sources[0].id == "pizza_box"
    fake.mode, fake.contradiction = "contradict", BAD_KO
    response = await stub.Ask(pb.AskRequest(question="피자박스 어떻게 버려?"))
    assert response.composed_by == "kb" and "종이류" in response.answer


@pytest.mark.parametrize(
    ("item_id", "answer", "ok"),
    [
        ("egg_shells", "달걀껍데기는 음식물 쓰레기가 아니에요. 종량제봉투에 넣어 주세요.", True),
        ("egg_shells", "달걀껍데기는 음식물 쓰레기로 버려 주세요. 종량제봉투도 괜찮아요.", False),
        ("broken_glass", "깨진 유리는 신문지로 싸서 불연성 폐기물 전용 마대에 넣어요.", True),
        ("broken_glass", "깨진 유리는 유리병 수거함에 넣으면 돼요. 불연성 마대도 돼요.", False),
        ("butane_can", "부탄가스는 캔류로 버려요.", False),  # omits the must: empty the gas
        ("water_bottle", "Peel off the label, crush it and cap it for the clear PET collection.", True),
        ("water_bottle", "Put it in the clear PET collection; category: `plastic` also works.", False),
    ],
)
def test_grounding_check(kb, item_id, answer, ok):
    language = "en" if answer.isascii() else "ko"
    g = compose(kb, "", kb.items[item_id], Flags(), "", language)
    assert (grounding.check(answer, kb, g) == []) is ok, grounding.check(answer, kb, g)


async def test_the_overall_budget_cuts_retries_short_of_the_callers_deadline(fake, kb):
    from svc_coach.llm import LlmWriter

    # Three tries of 2 s would outlast the budget: the budget, not the tries, bounds the wait.
    settings = CoachSettings(
        coach_openai_api_key="test-key",
        coach_openai_base_url=fake.base_url,
        llm_timeout_s=2.0,
        llm_max_retries=2,
        llm_budget_s=1.0,
    )
    writer = LlmWriter.from_settings(settings)
    fake.mode, fake.slow_s = "slow", 3.0
    kb_text = compose(kb, "", kb.items["pizza_box"], Flags(), "", "ko")
    started = time.monotonic()
    try:
        g = await writer.guidance(kb_text, kb, "ko")
    finally:
        await writer.close()
    assert g.composed_by == "kb" and g.coaching == kb_text.coaching
    assert 0.9 < time.monotonic() - started < 1.8
