"""Search over the whole knowledge base: the right item first, or "not sure" — never a confident wrong one."""

from __future__ import annotations

import pytest

from svc_coach.coaching import view_item
from svc_coach.hangul import edit_distance, infix_distance, jamo
from svc_coach.search import SUGGESTIONS, SURE, SearchIndex


@pytest.fixture(scope="module")
def index(kb) -> SearchIndex:
    return SearchIndex(kb)


def first(index: SearchIndex, query: str) -> str:
    found = index.search(query, 5)
    assert not found.uncertain, f"{query!r}: not sure, suggestions {found.hits}"
    return found.hits[0].item_id


def shown_category(kb, index: SearchIndex, query: str) -> str:
    found = index.search(query, 1)
    assert not found.uncertain, f"{query!r}: not sure, suggestions {found.hits}"
    return view_item(kb, kb.items[found.hits[0].item_id], "ko", hint=query).category.code


EXPECTED_FIRST = [
    ("피자박스", "pizza_box"),
    ("피자 박스", "pizza_box"),
    ("Pizza-Box", "pizza_box"),
    ("부탄가스", "butane_can"),
    ("깨진 유리", "broken_glass"),
    # typos, decided at jamo level with real syllable overlap
    ("피지박스", "pizza_box"),
    ("영수쯩", "thermal_receipt"),
    ("부탄까스", "butane_can"),
    ("receipt", "thermal_receipt"),
    ("피자박스 어떻게 버려요", "pizza_box"),
]


@pytest.mark.parametrize(("query", "item_id"), EXPECTED_FIRST)
def test_the_right_item_comes_first(index, query, item_id):
    assert first(index, query) == item_id


@pytest.mark.parametrize(
    ("query", "category"),
    [
        # The confidently-wrong answers.
        ("페인트", "hazardous"),
        ("농약병", "hazardous"),
        ("식용유", "cooking_oil"),
        ("락카", "hazardous"),
        ("보온병", "can_metal"),
        ("유리 반찬통", "non_combustible"),
        ("자동차 배터리", "battery"),
        # Modifiers outrank the head noun.
        ("초록색 사이다 페트병", "plastic"),
        ("페트병에서 뗀 비닐 라벨", "vinyl"),
        ("코팅된 전단지", "general"),
        ("사과 포장 스펀지", "styrofoam"),
        ("깨진 소주병", "non_combustible"),
        ("기름 묻은 피자박스", "general"),
        # Question words and bin words around the item do not outrank it.
        ("치킨뼈 음식물쓰레기에 버려도 돼?", "general"),
        ("달걀껍데기 음식물 쓰레기야?", "general"),
        # One-syllable nouns inside a sentence.
        ("약 버리는 곳", "medicine"),
        ("캔 어디에 버려", "can_metal"),
        ("안입는 옷", "textiles"),
        # 초성.
        ("ㅂㅈㅂㅌㄹ", "battery"),
        # Everyday names that were not found.
        ("햇반 용기", "plastic"),
        ("텀블러", "can_metal"),
        ("쿠킹호일", "can_metal"),
        ("백열전구", "general"),
        ("수은 체온계", "hazardous"),
        ("폐식용유 버리는 법", "cooking_oil"),
        ("귤 담긴 망", "vinyl"),
    ],
)
def test_how_people_ask_reaches_the_right_bin(kb, index, query, category):
    assert shown_category(kb, index, query) == category


def test_chosung_finds_the_pet_bottle(kb, index):
    found = index.search("ㅍㅌㅂ", 3)
    assert found.hits and kb.items[found.hits[0].item_id].category in ("clear_pet", "plastic")


def test_a_fuzzy_match_needs_real_overlap(kb, index):
    """페인트 and 프린트 differ in two of three syllables: never the printer paper."""
    for hit in index.search("페인트", 10).hits:
        assert "프린트" not in " ".join(kb.items[hit.item_id].terms())
    assert index.search("페인틔", 3).hits[0].item_id != "a4_paper"


def test_nonsense_is_not_sure_with_at_most_three_suggestions(index):
    for query in ("qqqzzz", "우주선 엔진", "ㅋㅋㅋ"):
        found = index.search(query, 10)
        assert found.uncertain and len(found.hits) <= SUGGESTIONS


def test_a_tie_between_bins_is_not_sure(kb, index):
    """Two items in different bins that match equally well: the search asks instead of picking."""
    found = index.search("ㅇㅇㅍ", 5)
    if len(found.hits) >= 2 and found.hits[0].score == found.hits[1].score:
        categories = {kb.items[h.item_id].category for h in found.hits[:2]}
        assert found.uncertain or len(categories) == 1


def test_sure_hits_score_at_least_the_threshold(index):
    for query in ("페트병", "우유팩", "형광등", "건전지 버리는 곳"):
        found = index.search(query, 3)
        assert not found.uncertain and found.hits[0].score >= SURE
        assert [h.score for h in found.hits] == sorted((h.score for h in found.hits), reverse=True)


def test_jamo_distances():
    assert jamo("각") == "ㄱㅏㄱ"
    assert edit_distance(jamo("영수쯩"), jamo("영수증")) == 1
    assert infix_distance(jamo("수쯩"), jamo("카드영수증")) == 1


@pytest.mark.parametrize(
    ("query", "category"),
    [
        ("기름 하수구에 버려도 돼?", "cooking_oil"),
        ("코팅된 종이컵", "paper"),
        ("아아 컵", "plastic"),
        ("소화기", "bulky"),
        ("휘발유 남은 거", "hazardous"),
    ],
)
def test_what_a_new_user_asked(kb, index, query, category):
    assert shown_category(kb, index, query) == category


def test_a_broken_mercury_thermometer_is_cleaned_up_first(kb):
    view = view_item(kb, kb.items["mercury_thermometer"], "ko", hint="깨진 수은 체온계")
    assert view.category.code == "hazardous" and any("환기" in s for s in view.steps)


def test_a_car_battery_never_shows_the_dry_cell_box(kb):
    view = view_item(kb, kb.items["car_battery"], "ko")
    assert "폐건전지" not in view.bin and ("정비소" in view.bin or "구입처" in view.bin)
