"""Pure ranking of search candidates; the database only proposes candidates, this decides the order.

Because the score is computed here, in Python, from the same stored terms, SQLite and PostgreSQL
rank identically by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from svc_coach.hangul import bigrams, edit_distance, infix_distance, jamo, missing_letters, normalize

MIN_SCORE = 0.35
_EPS = 1e-9
# A synonym is a little less certain than the item's own name, so exact names win ties.
SYNONYM_WEIGHT = 0.97


@dataclass(frozen=True)
class Candidate:
    item_no: int
    item_id: str
    # name_ko, name_en, then synonyms, as stored.
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    item_id: str
    score: float


@lru_cache(maxsize=65536)
def term_score(query: str, term: str) -> float:
    """How well a normalised query matches one normalised term, in [0, 1]."""
    if not query or not term:
        return 0.0
    if query == term:
        return 1.0
    if term.startswith(query):
        return 0.75 + 0.2 * len(query) / len(term)
    if query in term:
        return 0.7 + 0.2 * len(query) / len(term)
    qj, tj = jamo(query), jamo(term)
    best = 0.0
    if len(term) >= 2 and term in query:
        # The question names the item among other words: "피자박스 버리는 법".
        best = 0.6 + 0.3 * len(term) / len(query)
    longest = max(len(qj), len(tj))
    # Cheap lower bounds first: skip the distance computation when it cannot reach the threshold.
    lower = max(abs(len(qj) - len(tj)), missing_letters(qj, tj), missing_letters(tj, qj))
    if lower <= 0.4 * longest + _EPS:
        similarity = 1 - edit_distance(qj, tj) / longest
        if similarity >= 0.6:
            best = max(best, 0.85 * similarity)
    if len(qj) >= 4 and len(qj) < len(tj) and missing_letters(qj, tj) <= 0.25 * len(qj) + _EPS:
        # A typo inside a partial word: "영수쯩" against "카드영수증".
        partial = 1 - infix_distance(qj, tj) / len(qj)
        if partial >= 0.75:
            best = max(best, partial * (0.55 + 0.15 * len(qj) / len(tj)))
    qg, tg = bigrams(qj), bigrams(tj)
    dice = 2 * len(qg & tg) / (len(qg) + len(tg)) if qg and tg else 0.0
    return max(best, 0.5 * dice)


def item_score(query: str, terms: tuple[str, ...]) -> float:
    best = 0.0
    for i, term in enumerate(terms):
        weight = 1.0 if i < 2 else SYNONYM_WEIGHT
        best = max(best, weight * term_score(query, normalize(term)))
    return best


def rank(query: str, candidates: list[Candidate], limit: int) -> list[Hit]:
    """Best first; equal scores fall back to the stable item number, so the order never flickers."""
    q = normalize(query)
    scored = [(round(item_score(q, c.terms), 4), c.item_no, c.item_id) for c in candidates]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [Hit(item_id, score) for score, _, item_id in scored if score >= MIN_SCORE][:limit]
