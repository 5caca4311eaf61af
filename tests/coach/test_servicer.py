"""CoachService over a real channel to an in-process grpc.aio server on 127.0.0.1:0 (no LLM)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from protos.wastecoach.coach.v1 import coach_pb2 as pb
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from protos.wastecoach.common.v1 import common_pb2
from svc_coach.component import SERVICE_NAME, build
from svc_coach.settings import CoachSettings
from tests.support import TEST_KEY, signed_channel


@pytest.fixture(scope="module")
async def stub() -> AsyncIterator[coach_pb2_grpc.CoachServiceStub]:
    comp = build(CoachSettings())
    server = await comp.start("127.0.0.1", 0, TEST_KEY)
    channel = signed_channel(f"127.0.0.1:{server.port}")
    try:
        yield coach_pb2_grpc.CoachServiceStub(channel)
    finally:
        await channel.close()
        await comp.stop(0)


def test_service_name_comes_from_the_descriptor():
    assert SERVICE_NAME == "wastecoach.coach.v1.CoachService"


async def test_list_categories_needs_no_identity(stub):
    response = await stub.ListCategories(pb.ListCategoriesRequest())
    codes = [c.code for c in response.categories]
    assert len(codes) == 20 and codes[0] == "paper" and codes[-2:] == ["hazardous", "cooking_oil"]
    assert response.categories[0].name_ko == "종이류"


async def test_guidance_for_a_category(stub):
    g = (await stub.GetGuidance(pb.GetGuidanceRequest(category_code="clear_pet"))).guidance
    assert g.category.code == "clear_pet" and g.steps and g.bin and g.tip and g.why
    assert g.composed_by == "kb" and g.item_id == ""


async def test_guidance_for_an_item_name_with_flags(stub):
    request = pb.GetGuidanceRequest(item_name="피자 박스", flags=common_pb2.ConditionFlags(residue=True))
    g = (await stub.GetGuidance(request)).guidance
    assert g.item_id == "pizza_box"
    assert g.category.code == "general"
    clean = (await stub.GetGuidance(pb.GetGuidanceRequest(item_id="pizza_box", language="en"))).guidance
    assert clean.category.code == "paper"
    assert clean.coaching[0].startswith("Pizza box → ")


async def test_guidance_with_region(stub):
    request = pb.GetGuidanceRequest(item_id="ice_pack", region_code="11680")
    g = (await stub.GetGuidance(request)).guidance
    assert "아이스팩 수거함" in g.bin


async def test_search_items_ranked_with_scores(stub):
    items = (await stub.SearchItems(pb.SearchItemsRequest(query="영수쯩", limit=3))).items
    assert items[0].id == "thermal_receipt"
    assert items[0].category.code == "general"
    assert 0 < items[0].score <= 1
    assert [i.score for i in items] == sorted((i.score for i in items), reverse=True)
    english = (await stub.SearchItems(pb.SearchItemsRequest(query="pizza box", language="en"))).items
    assert english[0].id == "pizza_box" and english[0].why.startswith("Grease")


async def test_get_item(stub):
    item = (await stub.GetItem(pb.GetItemRequest(item_id="butane_can"))).item
    assert item.name_ko == "부탄가스" and item.category.code == "can_metal" and item.source


async def test_ask_without_llm_answers_from_the_kb(stub):
    response = await stub.Ask(pb.AskRequest(question="깨진 유리는 어떻게 버려요?"))
    assert response.composed_by == "kb"
    assert response.sources[0].id == "broken_glass"
    assert "신문지" in response.answer


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (pb.GetGuidanceRequest(), grpc.StatusCode.INVALID_ARGUMENT),
        (pb.GetGuidanceRequest(category_code="moon"), grpc.StatusCode.INVALID_ARGUMENT),
        (pb.GetGuidanceRequest(item_id="nope"), grpc.StatusCode.NOT_FOUND),
        (pb.GetGuidanceRequest(category_code="glass", language="fr"), grpc.StatusCode.INVALID_ARGUMENT),
        (pb.GetGuidanceRequest(category_code="glass", region_code="12"), grpc.StatusCode.INVALID_ARGUMENT),
        (pb.GetGuidanceRequest(item_name="qqqzzz"), grpc.StatusCode.NOT_FOUND),
    ],
)
async def test_bad_guidance_requests(stub, request_, code):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetGuidance(request_)
    assert err.value.code() == code


async def test_bad_search_and_item_requests(stub):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.SearchItems(pb.SearchItemsRequest(query=" "))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetItem(pb.GetItemRequest(item_id="nope"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_search_says_not_sure_with_suggestions(stub):
    sure = await stub.SearchItems(pb.SearchItemsRequest(query="페인트 남은 거 어디에 버려요", limit=5))
    assert not sure.uncertain and sure.items[0].category.code == "hazardous"
    assert sure.items[0].tip and sure.items[0].tip_kind
    unsure = await stub.SearchItems(pb.SearchItemsRequest(query="우주선 엔진", limit=10))
    assert unsure.uncertain and len(unsure.items) <= 3


async def test_search_shows_the_category_a_modifier_switches_to(stub):
    reply = await stub.SearchItems(pb.SearchItemsRequest(query="깨진 소주병", limit=1))
    assert reply.items[0].category.code == "non_combustible"


async def test_ask_is_not_sure_instead_of_answering_for_a_guess(stub):
    reply = await stub.Ask(pb.AskRequest(question="우주선 엔진 어떻게 버려요?"))
    assert reply.uncertain and "확실하지 않아요" in reply.answer


async def test_ask_carries_the_region(stub):
    plain = await stub.Ask(pb.AskRequest(question="아이스팩 어떻게 버려?"))
    local = await stub.Ask(pb.AskRequest(question="아이스팩 어떻게 버려?", region_code="11680"))
    assert "강남구" not in plain.answer and "아이스팩 수거함" in local.answer


async def test_clarify_asks_for_a_plastic_photo_and_gives_guidance_per_choice(stub):
    reply = await stub.Clarify(pb.ClarifyRequest(category_probs={"plastic": 0.9, "paper": 0.1}))
    assert reply.question.text == "투명 페트병인가요?"
    assert [c.choice_id for c in reply.choices] == [c.id for c in reply.question.choices]
    by_id = {c.choice_id: c.guidance for c in reply.choices}
    assert by_id["clear_pet"].category.code == "clear_pet" and reply.guidance.category.code == "plastic"


async def test_clarify_with_a_hint_that_contradicts_the_photo(stub):
    reply = await stub.Clarify(
        pb.ClarifyRequest(category_probs={"can_metal": 0.95, "plastic": 0.05}, hint="건전지")
    )
    assert reply.question.id == "hint_or_photo" and reply.guidance.category.code == "battery"


async def test_clarify_names_each_choices_item_as_get_item_does(stub):
    reply = await stub.Clarify(
        pb.ClarifyRequest(category_probs={"can_metal": 0.95, "plastic": 0.05}, hint="건전지")
    )
    named = [c for c in reply.choices if c.guidance.item_id]
    assert named, "the hint's item is one of the choices"
    for choice in named:
        item = (await stub.GetItem(pb.GetItemRequest(item_id=choice.guidance.item_id))).item
        assert (choice.item_name_en, choice.item_name_ko) == (item.name_en, item.name_ko)
    assert all(not (c.item_name_en or c.item_name_ko) for c in reply.choices if not c.guidance.item_id)


async def test_clarify_without_a_question_names_the_item(stub):
    reply = await stub.Clarify(
        pb.ClarifyRequest(category_probs={"paper": 0.97, "plastic": 0.03}, hint="피자박스", item_name="종이")
    )
    assert not reply.HasField("question") and not reply.choices
    assert reply.guidance.item_id == "pizza_box" and reply.item_name_ko == "피자박스"


@pytest.mark.parametrize(
    "request_",
    [
        pb.ClarifyRequest(),
        pb.ClarifyRequest(category_probs={"moon": 0.5}),
        pb.ClarifyRequest(category_probs={"paper": 1.5}),
        pb.ClarifyRequest(category_probs={"paper": 0.9}, region_code="seoul"),
    ],
)
async def test_bad_clarify_requests(stub, request_):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.Clarify(request_)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_the_answer_says_where_to_check_when_the_district_has_no_data(stub):
    reply = await stub.Ask(pb.AskRequest(question="소파 어떻게 버려요?", region_code="11440"))
    assert "지역마다" in reply.answer and "구청" in reply.answer


async def test_a_district_rule_brings_its_own_tip(stub):
    reply = await stub.GetGuidance(pb.GetGuidanceRequest(item_name="아이스팩", region_code="11680"))
    assert "주민센터" in reply.guidance.tip and "아이스팩 수거함" in reply.guidance.bin


async def test_asking_about_pouring_into_the_sink_is_about_the_liquid_not_the_sink(stub):
    for question, category in [
        ("튀김 기름 남은 거 싱크대에 버려도 되나요", "cooking_oil"),
        ("남은 페인트 싱크대에 버려도 돼요?", "hazardous"),
        ("먹다 남은 약 변기에 버려도 돼요?", "medicine"),
    ]:
        reply = await stub.Ask(pb.AskRequest(question=question))
        assert not reply.uncertain and reply.sources[0].category.code == category, question


async def test_a_question_naming_its_item_is_answered_for_that_item_not_the_scan(stub):
    """Asked beside a scan of broken glass: "건전지는요?" is about batteries; only a question that
    names no item ("이거 어떻게 버려요?") is answered for the scanned item."""
    named = await stub.Ask(pb.AskRequest(question="건전지는 어떻게 버려요?", item_id="broken_glass"))
    assert named.sources[0].category.code == "battery" and "broken_glass" not in [s.id for s in named.sources]
    assert "신문지" not in named.answer
    unnamed = await stub.Ask(pb.AskRequest(question="이거 어떻게 버려요?", item_id="broken_glass"))
    assert unnamed.sources[0].id == "broken_glass" and not unnamed.uncertain


async def test_a_knowledge_base_answer_reads_as_sentences(stub):
    """The tip and each step end with a full stop: run together they read as sentences."""
    answer = (await stub.Ask(pb.AskRequest(question="깨진 유리는 어떻게 버려요?"))).answer
    assert "요 " not in answer and answer.endswith(".")
