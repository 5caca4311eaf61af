"""Invariants across the whole knowledge base: what must hold for every item, not only the ones we tried."""

from __future__ import annotations

from collections import Counter

from svc_coach.coaching import Flags, compose

# Never to a recyclables bin, whatever condition or region applies.
NEVER_RECYCLABLE_BIN = ("hazardous", "battery", "lamp", "medicine")
RECYCLABLES = ("paper", "paper_pack", "glass", "can_metal", "plastic", "clear_pet", "vinyl", "styrofoam")
GAS_WORDS = ("부탄", "스프레이 캔", "스프레이캔", "라이터", "가스통", "에어로졸", "휴대용 가스")


def test_at_least_450_items_in_20_categories(kb):
    assert len(kb.items) >= 450
    counts = Counter(i.category for i in kb.items.values())
    assert set(counts) == set(kb.categories) and len(kb.categories) == 20
    # The two new codes are appended after the 18 stored positions.
    assert list(kb.categories)[18:] == ["hazardous", "cooking_oil"]


def test_every_item_has_its_own_tip_mistake_and_source(kb):
    generic = {t.ko for c in kb.categories.values() for t in c.tips.values()}
    copied = [i.id for i in kb.items.values() if i.tip.text.ko in generic]
    assert not copied, f"items whose tip is their category's, not their own: {copied[:20]}"
    for item in kb.items.values():
        assert item.tip.text.ko.strip() and item.tip.text.en.strip(), item.id
        assert item.common_mistake.ko.strip() and item.common_mistake.en.strip(), item.id
        # The guideline and its section, or the authority: more than the bare guideline title.
        assert len(item.source) > 12 and ("(" in item.source or "가이드" not in item.source), item.id


def test_tips_differ_within_a_category(kb):
    """'Every general-waste item gets the same tip' must not come back."""
    for code in kb.categories:
        tips = [i.tip.text.ko for i in kb.items.values() if i.category == code]
        if len(tips) >= 5:
            assert len(set(tips)) >= 0.6 * len(tips), code


def test_gas_containers_lead_with_releasing_the_gas(kb):
    for item in kb.items.values():
        names = " ".join((item.name_ko, *item.synonyms))
        if item.category in ("can_metal", "general") and any(w in names for w in GAS_WORDS):
            assert "가스" in item.tip.text.ko, f"{item.id}: tip is {item.tip.text.ko!r}"


def test_batteries_tape_the_terminals_or_go_back_to_the_seller(kb):
    for item in (i for i in kb.items.values() if i.category == "battery"):
        text = item.tip.text.ko + " ".join(item.steps.ko)
        assert any(w in text for w in ("테이프", "절연", "판매", "정비", "회수")), item.id


def test_hazards_batteries_and_broken_glass_never_reach_a_recyclables_bin(kb):
    every_flag = [Flags(**{f: True}) for f in ("residue", "label_attached", "cap_on", "mixed_materials")]
    for item in kb.items.values():
        regions = ["", *kb.regions]
        for region in regions:
            for flags in [Flags(), *every_flag]:
                g = compose(kb, item.category, item, flags, "", "ko", region)
                if item.category in NEVER_RECYCLABLE_BIN:
                    assert g.category.code not in RECYCLABLES, (item.id, region, flags)
            broken = compose(kb, item.category, item, Flags(broken=True), "", "ko", region)
            if item.category in ("glass", "non_combustible"):
                # Broken glass: wrapped for the non-combustible sack or the general bag, never the bottle bin.
                assert broken.category.code in ("non_combustible", "general"), item.id
                assert "유리병 수거함" not in broken.bin, item.id


def test_named_safety_items_sit_in_their_categories(kb):
    by_name = {i.name_ko: i for i in kb.items.values()}
    for name_part, category in [
        ("페인트", "hazardous"),
        ("농약", "hazardous"),
        ("수은 체온계", "hazardous"),
        ("식용유", "cooking_oil"),
        ("자동차 배터리", "battery"),
        ("백열전구", "general"),
    ]:
        found = [i for n, i in by_name.items() if name_part in n]
        assert found and all(i.category == category for i in found if i.name_ko.startswith(name_part)), (
            name_part
        )


def test_no_cooking_oil_item_says_to_rinse_it_away(kb):
    for item in (i for i in kb.items.values() if i.category == "cooking_oil"):
        text = " ".join((item.tip.text.ko, *item.steps.ko))
        assert "하수구에 부" not in text.replace("하수구에 부으면", "")
        assert item.tip.kind != "rinse", item.id


def test_every_question_choice_resolves_and_the_safe_one_is_cautious(kb):
    assert set(kb.questions) >= {"plastic", "can_metal", "glass", "general"}
    glass = kb.questions["glass"]
    safe = next(c for c in glass.choices if c.id == glass.safe)
    assert safe.category in ("non_combustible", "general")
    cans = kb.questions["can_metal"]
    assert next(c for c in cans.choices if c.id == cans.safe).category == "battery"
