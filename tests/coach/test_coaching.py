"""Pure coaching: flags, hints, language and region choose the steps, the bin and the one tip."""

from __future__ import annotations

import pytest

from mesh.errors import InvalidInput
from svc_coach import domain
from svc_coach.coaching import Flags, compose, view_item


def test_label_on_a_clear_pet_bottle_coaches_label_off_crush_cap_on(kb):
    g = compose(kb, "", kb.items["water_bottle"], Flags(label_attached=True), "", "ko")
    assert g.tip == "라벨을 떼고 찌그러뜨린 뒤 뚜껑을 닫아 주세요"
    assert g.category.code == "clear_pet"
    en = compose(kb, "", kb.items["water_bottle"], Flags(label_attached=True), "", "en")
    assert en.tip == "label off, crush, cap on"


def test_residue_coaches_a_30_second_rinse(kb):
    g = compose(kb, "", kb.items["shampoo_bottle"], Flags(residue=True), "", "ko")
    assert g.tip == "내용물을 비우고 미지근한 물로 30초 헹궈 주세요"
    en = compose(kb, "", kb.items["shampoo_bottle"], Flags(residue=True), "", "en")
    assert en.tip == "rinse the residue for 30 s in lukewarm water"


def test_without_flags_the_items_own_tip_is_coached(kb):
    g = compose(kb, "", kb.items["shampoo_bottle"], Flags(), "", "ko")
    assert g.tip_kind == "cap"


def test_greasy_pizza_box_is_general_waste_clean_one_is_paper(kb):
    clean = compose(kb, "", kb.items["pizza_box"], Flags(), "", "ko")
    assert clean.category.code == "paper"
    assert any("기름" in s for s in clean.steps)
    greasy = compose(kb, "", kb.items["pizza_box"], Flags(residue=True), "", "ko")
    assert greasy.category.code == "general"
    assert greasy.bin == kb.categories["general"].bin.ko
    assert "종이로 재활용되지 않아요" in greasy.coaching[1]


def test_a_hint_implies_the_flag(kb):
    g = compose(kb, "", kb.items["pizza_box"], Flags(), "greasy pizza box", "en")
    assert g.category.code == "general"
    broken = compose(kb, "glass", None, Flags(), "깨진 병", "ko")
    assert broken.category.code == "non_combustible"


def test_broken_bottle_goes_to_non_combustible_with_wrapping_steps(kb):
    g = compose(kb, "", kb.items["glass_jar"], Flags(broken=True), "", "ko")
    assert g.category.code == "non_combustible"
    assert "신문지" in g.coaching[1]


def test_category_level_guidance(kb):
    g = compose(kb, "glass", None, Flags(), "", "en")
    assert g.item_id == ""
    assert g.steps == kb.categories["glass"].steps.en
    assert g.bin == kb.categories["glass"].bin.en
    assert g.source


def test_stained_cup_noodle_is_general_clean_one_styrofoam(kb):
    assert compose(kb, "", kb.items["cup_noodle_container"], Flags(), "", "ko").category.code == "styrofoam"
    stained = compose(kb, "", kb.items["cup_noodle_container"], Flags(residue=True), "", "ko")
    assert stained.category.code == "general"


def test_region_override_applies_only_in_that_region(kb):
    plain = compose(kb, "", kb.items["ice_pack"], Flags(), "", "ko")
    local = compose(kb, "", kb.items["ice_pack"], Flags(), "", "ko", "11680")
    assert "아이스팩 수거함" not in plain.bin
    assert "아이스팩 수거함" in local.bin
    assert any("주민센터" in s for s in local.steps)
    assert "강남구" in local.source
    # The override names its district and the date it was checked.
    assert any("강남구" in n and "2026-11-23" in n for n in local.coaching)
    other = compose(kb, "", kb.items["ice_pack"], Flags(), "", "ko", "11440")
    assert (other.bin, other.steps, other.category) == (plain.bin, plain.steps, plain.category)
    assert "주민센터" in " ".join(view_item(kb, kb.items["ice_pack"], "ko", "11680").steps)


def test_a_district_without_data_is_told_that_rules_vary_and_where_to_check(kb):
    plain = compose(kb, "", kb.items["ice_pack"], Flags(), "", "ko")
    unknown = compose(kb, "", kb.items["ice_pack"], Flags(), "", "ko", "11440")
    assert not any("지역마다" in n for n in plain.coaching)
    assert any("지역마다" in n and "구청" in n for n in unknown.coaching)
    assert "district" in " ".join(compose(kb, "bulky", None, Flags(), "", "en", "11440").coaching)


def test_coaching_mentions_the_common_mistake(kb):
    g = compose(kb, "", kb.items["thermal_receipt"], Flags(), "", "ko")
    assert g.coaching[0].startswith("영수증 → ")
    assert any(line.startswith("자주 하는 실수: ") for line in g.coaching)


@pytest.mark.parametrize(
    ("raw", "clean"), [("", "ko"), ("ko", "ko"), ("en", "en"), ("en-US", "en"), ("KO_kr", "ko")]
)
def test_language(raw, clean):
    assert domain.clean_language(raw) == clean


def test_bad_inputs_are_invalid():
    with pytest.raises(InvalidInput):
        domain.clean_language("fr")
    with pytest.raises(InvalidInput):
        domain.clean_region("1144")
    with pytest.raises(InvalidInput):
        domain.clean_query("   ")
    with pytest.raises(InvalidInput):
        domain.clean_limit(-1)
    assert domain.clean_limit(0) == domain.DEFAULT_LIMIT
    assert domain.clean_limit(500) == domain.MAX_LIMIT
