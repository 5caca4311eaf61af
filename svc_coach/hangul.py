"""Korean-aware text primitives for search: jamo decomposition and edit distances.

Hangul syllables are decomposed arithmetically (syllable = 0xAC00 + (initial*21 + medial)*28 + final),
so a one-letter typo such as 영수쯩 for 영수증 costs one jamo, not one whole syllable.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")


# NFKC turns a typed stand-alone letter (ㄱ, U+3131) into a conjoining jamo (U+1100); map those back so
# "피자박ㅅ" and the decomposition below use the same alphabet.
CONJOINING = {
    **{chr(0x1100 + i): c for i, c in enumerate(_INITIALS)},
    **{chr(0x1161 + i): c for i, c in enumerate(_MEDIALS)},
    **{chr(0x11A8 + i): c for i, c in enumerate(_FINALS[1:])},
}


@lru_cache(maxsize=32768)
def jamo(text: str) -> str:
    """Each Hangul syllable as its initial, medial and (if any) final jamo; other characters kept."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if _BASE <= code <= _LAST:
            offset = code - _BASE
            initial, rest = divmod(offset, 21 * 28)
            medial, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=32768)
def _counts(text: str) -> Counter[str]:
    return Counter(text)


def missing_letters(a: str, b: str) -> int:
    """Letters of `a` that `b` lacks (with multiplicity): a lower bound on the edits from `a` to `b`
    or to any substring of it, computed without the O(n·m) search."""
    have = _counts(b)
    return sum(max(0, n - have.get(ch, 0)) for ch, n in _counts(a).items())


@lru_cache(maxsize=4096)
def _pattern_masks(pattern: str) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def _myers(pattern: str, text: str, anchored: bool) -> int:
    """Bit-parallel Levenshtein (Myers 1999, Hyyrö 2001): one pass of integer operations per text
    character instead of a row of the dynamic-programming table.

    anchored: distance between the two strings; otherwise the best match of `pattern` anywhere in
    `text` (free start and end in the text).
    """
    m = len(pattern)
    if m == 0:
        return len(text) if anchored else 0
    masks = _pattern_masks(pattern)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    best = score
    for ch in text:
        eq = masks.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        # Row 0 of the table grows by one per text character when anchored, stays 0 otherwise.
        ph = ((ph << 1) | (1 if anchored else 0)) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
        best = min(best, score)
    return score if anchored else best


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute: cost 1)."""
    return _myers(a, b, anchored=True) if a else len(b)


def infix_distance(needle: str, haystack: str) -> int:
    """Fewest edits turning `needle` into some substring of `haystack` (free start and end in haystack)."""
    return _myers(needle, haystack, anchored=False)
