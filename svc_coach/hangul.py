"""Korean-aware text primitives for search: normalisation, jamo decomposition, n-grams, edit distance.

Hangul syllables are decomposed arithmetically (syllable = 0xAC00 + (initial*21 + medial)*28 + final),
so a one-letter typo such as 영수쯩 for 영수증 costs one jamo, not one whole syllable.
"""

from __future__ import annotations

import unicodedata

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
# Punctuation people put between words ("캔·고철", "pizza-box") must not split or change a match.
_DROP = set(" \t\r\n·・•-_/.,()[]{}'\"!?~:;&+")


# NFKC turns a typed stand-alone letter (ㄱ, U+3131) into a conjoining jamo (U+1100); map those back so
# "피자박ㅅ" and the decomposition below use the same alphabet.
_CONJOINING = {
    **{chr(0x1100 + i): c for i, c in enumerate(_INITIALS)},
    **{chr(0x1161 + i): c for i, c in enumerate(_MEDIALS)},
    **{chr(0x11A8 + i): c for i, c in enumerate(_FINALS[1:])},
}


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII, decomposed Hangul composed), lower-case, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(_CONJOINING.get(ch, ch) for ch in folded if ch not in _DROP and not ch.isspace())


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


def bigrams(text: str) -> set[str]:
    """Character bigrams; a single character is its own gram so one-letter terms still index."""
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def index_grams(term: str) -> set[str]:
    """What the n-gram table stores for a term: jamo bigrams of its normalised form."""
    return bigrams(jamo(normalize(term)))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute: cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def infix_distance(needle: str, haystack: str) -> int:
    """Fewest edits turning `needle` into some substring of `haystack` (free start and end in haystack)."""
    previous = [0] * (len(haystack) + 1)
    for i, cn in enumerate(needle, 1):
        current = [i]
        for j, ch in enumerate(haystack, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cn != ch)))
        previous = current
    return min(previous)
