"""Free-text item lists (KECO `clctItemCn`, shop memos) → category codes.

The KECO export spells the same item many ways (`투명패트병`, `투명페트명`, `무색페트병`, `투명pet`)
and splits group headers from items (`(캔류)` then `알루미늄`). Splitting on newlines and commas
gives 86 distinct spellings; each one is listed here after normalisation, so an unknown new
spelling shows up as unmapped in the import report instead of being guessed.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[\n,]")
_SPACE = re.compile(r"\s+")

_TABLE: dict[str, tuple[str, ...]] = {}


def _add(categories: tuple[str, ...], *spellings: str) -> None:
    for spelling in spellings:
        _TABLE[normalise(spelling)] = categories


def normalise(token: str) -> str:
    return _SPACE.sub("", token).lower()


# Clear PET bottles are collected apart from other plastic since 2020 (투명페트병 별도배출).
_add(
    ("clear_pet",),
    "투명패트병",
    "투명페트병",
    "투명페트명",
    "무색페트병",
    "투명PET",
    "투명pet",
    "무색페트병(투명페트병)",
    "무색페트병(투명페트병",
)
_add(
    ("plastic",),
    "(플라스틱류)",
    "(플리스틱류)",
    "(플라스틱류(뚜껑 포함))",
    "플라스틱",
    "PET",
    "유색페트병",
    "유색 PET",
    "유색PET",
    "유색혼합PET",
    "PET(유색)",
    "유색페트",
    "판PET",
    "판PET)",
    "판페트",
    "PP",
    "PE",
    "PS",
    "other",
    "others",
    "PP(플라스틱)",
    "PP(햇반용기)",
    "플라스틱(PE)",
    "플라스틱(PP)",
    "햇반용기(PP)",
    "즉석밥용기",
    "즉석밥용기류",
    "즉석밥용기 PP",
    "기타플라스틱류(OTHER",
    "빨대",
    # Block toys are collected as hard plastic at these stations.
    "(완구류)",
    "장난감",
    "블럭류장난감",
    "블럭류 장난감",
    "장난감류(블럭류)",
    "블럭류플라스틱",
)
_add(("vinyl",), "(비닐류)", "비닐", "PE비닐")
_add(
    ("can_metal",),
    "(캔류)",
    "(캔류((음료))",
    "캔",
    "알루미늄",
    "알루미늄 캔",
    "알루미늄캔",
    "철",
    "철 캔",
    "철캔",
    "고철",
)
_add(
    ("paper",),
    "(종이류)",
    "종이류",
    "일반종이",
    "일반 종이류",
    "종이박스",
    "서적",
    "서적 및 신문지류",
    "신문지",
    "신문",
)
_add(("paper_pack",), "종이팩", "종이팩(멸균팩포함)", "종이팩(멸균", "살균)", "우유팩")
_add(("glass",), "투명", "갈색", "녹색병", "소주병", "맥주병", "기타병")
_add(("textiles",), "의류", "(중고의류)", "의류 외", "외류 외(가방", "신발)", "헌옷", "(섬유류)")
_add(("battery",), "폐건전지", "(폐건전지 교환) 폐건전지 20개<->새건전지 2개")

# Words in shop memos; matched as substrings because memos are prose, not lists.
_MEMO_WORDS: dict[str, tuple[str, ...]] = {
    "종이팩": ("paper_pack",),
    "우유팩": ("paper_pack",),
    "멸균팩": ("paper_pack",),
    "병뚜껑": ("plastic",),
    "페트병": ("clear_pet",),
    "건전지": ("battery",),
    "의류": ("textiles",),
    "헌옷": ("textiles",),
}


def spellings() -> dict[str, tuple[str, ...]]:
    return dict(_TABLE)


def split_items(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def map_items(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Category codes in first-seen order, and the tokens no entry knows."""
    found: list[str] = []
    unknown: list[str] = []
    for token in split_items(text):
        codes = _TABLE.get(normalise(token))
        if codes is None:
            unknown.append(token)
            continue
        found.extend(code for code in codes if code not in found)
    return tuple(found), unknown


def map_memo(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for word, codes in _MEMO_WORDS.items():
        if word in (text or ""):
            found.extend(code for code in codes if code not in found)
    return tuple(found)
