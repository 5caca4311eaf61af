"""Scans ask one question instead of guessing, and show the safe guidance until it is answered."""

from __future__ import annotations

import pytest

from svc_coach.clarify import Match, clarify
from svc_coach.coaching import Flags
from svc_coach.search import SearchIndex


@pytest.fixture(scope="module")
def index(kb) -> SearchIndex:
    return SearchIndex(kb)


def match(kb, index, text: str) -> Match:
    found = index.search(text, 1)
    assert not found.uncertain
    return Match(kb.items[found.hits[0].item_id], found.hits[0].score)


def photo(category: str, p: float = 0.9, runner_up: str = "paper") -> dict[str, float]:
    return {category: p, runner_up: round(1 - p, 4)}


def test_a_plastic_photo_asks_whether_it_is_clear_pet_and_shows_the_plastics_bin(kb):
    c = clarify(kb, photo("plastic"), False, None, None, Flags(), "", "ko")
    assert c.question is not None and c.question.text == "투명 페트병인가요?"
    options = {o.id: o for o in c.question.options}
    assert options["clear_pet"].category == "clear_pet" and options["clear_pet"].item_id
    assert options["clear_pet"].guidance.category.code == "clear_pet"
    # Until answered: the bin that takes every plastic, never the clear-PET stream.
    assert c.guidance.category.code == "plastic"


def test_a_battery_hint_on_a_can_photo_asks_and_shows_the_battery_rule(kb, index):
    hint = match(kb, index, "건전지")
    c = clarify(kb, photo("can_metal", 0.95), False, hint, None, Flags(), "건전지", "ko")
    assert c.question is not None and c.question.id == "hint_or_photo"
    assert {o.category for o in c.question.options} == {"battery", "can_metal"}
    assert c.guidance.category.code == "battery"


def test_a_can_photo_asks_about_gas_and_batteries(kb):
    c = clarify(kb, photo("can_metal"), False, None, None, Flags(), "", "ko")
    assert c.question is not None
    assert {o.id for o in c.question.options} == {"can", "gas", "battery"}
    assert c.guidance.category.code == "battery"
    gas = next(o for o in c.question.options if o.id == "gas")
    assert "가스" in gas.guidance.tip


def test_a_glass_photo_shows_the_broken_glass_rule_until_answered(kb):
    c = clarify(kb, photo("glass"), False, None, None, Flags(), "", "ko")
    assert c.question is not None
    assert c.guidance.category.code in ("non_combustible", "general")
    assert "유리병 수거함" not in c.guidance.bin
    bottle = next(o for o in c.question.options if o.id == "bottle")
    assert bottle.guidance.category.code == "glass"


def test_a_general_photo_asks_about_film_wrappers(kb):
    c = clarify(kb, photo("general"), False, None, None, Flags(), "", "ko")
    assert c.question is not None and c.question.id == "general_film_wrapper"
    film = next(o for o in c.question.options if o.id == "film")
    assert film.category == "vinyl"


def test_an_unsure_photo_asks_which_category_with_the_cautious_one_shown(kb):
    probs = {"paper": 0.4, "battery": 0.35, "plastic": 0.25}
    c = clarify(kb, probs, True, None, None, Flags(), "", "ko")
    assert c.question is not None and c.question.id == "which_category"
    assert [o.category for o in c.question.options] == ["paper", "battery", "plastic"]
    assert c.guidance.category.code == "battery"


def test_a_clear_photo_of_a_paper_box_does_not_ask(kb):
    c = clarify(kb, photo("paper", 0.95, "plastic"), False, None, None, Flags(), "", "ko")
    assert c.question is None and c.guidance.category.code == "paper"


def test_a_strong_hint_that_agrees_names_the_item(kb, index):
    hint = match(kb, index, "생수병")
    c = clarify(kb, photo("plastic", 0.6, "clear_pet"), False, hint, None, Flags(), "생수병", "ko")
    assert c.question is None
    assert c.guidance.category.code == "clear_pet" and c.item is not None and c.item.id == hint.item.id


def test_an_english_question_is_in_english(kb):
    c = clarify(kb, photo("plastic"), False, None, None, Flags(), "", "en")
    assert c.question is not None and c.question.text.startswith("Is it a clear PET")


def test_nothing_to_clarify_is_an_error(kb):
    with pytest.raises(ValueError):
        clarify(kb, {}, False, None, None, Flags(), "", "ko")


def test_with_a_question_open_the_confidence_is_that_of_its_choices(kb):
    c = clarify(kb, {"can_metal": 0.7, "battery": 0.1, "paper": 0.2}, False, None, None, Flags(), "", "ko")
    assert c.question is not None and c.guidance.category.code == "battery"
    assert c.confidence == 0.8


def test_a_note_that_settles_what_the_photo_cannot_see_decides_without_a_question(kb, index):
    hint = match(kb, index, "생수병")
    c = clarify(kb, photo("plastic", 0.97), False, hint, None, Flags(), "생수병", "ko")
    assert c.question is None and c.guidance.category.code == "clear_pet"


def test_the_photo_choice_is_not_bent_by_the_notes_words(kb, index):
    """Note "깨진 유리" on an intact bottle photo: choosing the photo's answer gives the bottle bin."""
    hint = match(kb, index, "깨진 유리")
    c = clarify(kb, photo("can_metal", 0.95), False, hint, None, Flags(), "깨진 유리", "ko")
    assert c.question is not None and c.guidance.category.code in ("non_combustible", "general")
    glass_photo = clarify(kb, photo("glass", 0.95), False, None, None, Flags(broken=True), "", "ko")
    bottle = next(o for o in glass_photo.question.options if o.id == "bottle")
    assert bottle.guidance.category.code == "glass"


def test_a_generic_model_label_does_not_pick_one_specific_item(kb, index):
    name = match(kb, index, "종이·골판지")
    c = clarify(kb, photo("paper", 0.97, "plastic"), False, None, name, Flags(), "", "ko")
    assert c.question is None and c.guidance.category.code == "paper" and c.item is None
