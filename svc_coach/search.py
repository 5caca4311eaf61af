"""Pure item search over the whole knowledge base, in memory: candidates from an index, then a score.

A term scores by how much of what the person named it explains: the whole query, the query as a
prefix of the term, or the term's words found inside a sentence ("안 입는 옷" → 옷). More specific
terms explain more, so modifiers outrank the head noun ("초록색 사이다 페트병" → 유색 페트병).
A fuzzy match needs real overlap (페인트 never matches 프린트). Below SURE the answer is "not sure"
with suggestions, never a confident wrong item.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from svc_coach.hangul import edit_distance, infix_distance, jamo, missing_letters
from svc_coach.kb import KnowledgeBase
from svc_coach.query import Parsed, chosung, fold, parse, words

# Below this the first hit is only a suggestion.
SURE = 0.6
# Hits below this are not even suggested.
SUGGEST = 0.4
SUGGESTIONS = 3
# A synonym is a little less certain than the item's own name, so exact names win ties.
SYNONYM_WEIGHT = 0.97
# An item none of whose terms has a modifier the query has ("코팅된 전단지") is a weaker match. "깨진"
# and "기름" are not among them: they are conditions the item's own rules apply ("깨진 소주병").
BIN_MODIFIERS = ("유색", "코팅", "유리", "스테인리스")
MISSING_MODIFIER = 0.8
# Korean is head-final: a term found at the end of the sentence is the thing itself.
HEAD_BONUS = 0.08
# At most this many terms are scored per query (the best by shared syllable pairs).
CANDIDATE_TERMS = 120
# No typo match scores above this: once a direct match reaches it, typos cannot change the answer.
FUZZY_CAP = 0.85
# Scores this close are a tie.
TIE = 0.01
_EPS = 1e-9


@dataclass(frozen=True)
class Term:
    item_no: int
    item_id: str
    text: str
    words: tuple[str, ...]
    jamo: str
    chosung: str
    weight: float
    syllables: frozenset[str]


@dataclass(frozen=True)
class Hit:
    item_id: str
    score: float


@dataclass(frozen=True)
class Found:
    hits: tuple[Hit, ...]
    # True when no item matched well enough to be named: `hits` are then suggestions.
    uncertain: bool
    parsed: Parsed


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _syllables_shared(a: str, b: frozenset[str]) -> int:
    return sum(1 for ch in set(a) if ch in b)


def _fuzzy(q: str, qj: str, t: Term) -> float:
    """Typos at the letter level (영수쯩 → 영수증), only with real overlap of whole syllables."""
    shorter = min(len(q), len(t.text))
    if shorter >= 2 and _syllables_shared(q, t.syllables) < math.ceil(shorter / 2):
        return 0.0
    best = 0.0
    longest = max(len(qj), len(t.jamo))
    lower = max(abs(len(qj) - len(t.jamo)), missing_letters(qj, t.jamo), missing_letters(t.jamo, qj))
    if lower <= 0.3 * longest + _EPS:
        similarity = 1 - edit_distance(qj, t.jamo) / longest
        if similarity >= 0.7:
            best = 0.85 * similarity
    if len(qj) >= 4 and len(qj) < len(t.jamo) and missing_letters(qj, t.jamo) <= 0.25 * len(qj) + _EPS:
        # A typo inside a partial word: "영수쯩" against "카드영수증".
        partial = 1 - infix_distance(qj, t.jamo) / len(qj)
        if partial >= 0.75:
            best = max(best, partial * (0.55 + 0.15 * len(qj) / len(t.jamo)))
    return best


def _explained(p: Parsed, t: Term) -> float:
    """The term's words inside the query: scored by how much of the query they explain."""
    covered = 0
    for w in t.words:
        if len(w) == 1:
            # A one-syllable noun counts only as a whole word: 캔 in "캔 어디에 버려", not in 스캔.
            if w not in p.tokens:
                return 0.0
        elif w not in p.text:
            return 0.0
        covered += len(w)
    share = min(1.0, covered / len(p.text))
    last = p.tokens[-1]
    # The term ends the sentence with whole words: "잼 유리병" in "… 잼 유리병", not 박스 in "피지박스".
    head = HEAD_BONUS if any("".join(t.words[k:]) == last for k in range(len(t.words))) else 0.0
    if last in t.words[:-1]:
        # The query's head is only a modifier in the term: "유리병 뚜껑" is the lid, not the "잼 유리병".
        head = -HEAD_BONUS
    return 0.5 + 0.45 * share + head


def _direct(p: Parsed, t: Term) -> float:
    """The cheap part of the score: equality, prefix, containment, words inside a sentence, 초성."""
    q = p.text
    if not q:
        return 0.0
    if p.chosung:
        if t.chosung == q:
            return 0.95
        if len(q) >= 2 and t.chosung.startswith(q):
            return 0.75 + 0.2 * len(q) / len(t.chosung)
        return 0.0
    if q == t.text:
        return 1.0
    best = 0.0
    if len(q) >= 2 and t.text.startswith(q):
        best = 0.75 + 0.2 * len(q) / len(t.text)
    elif len(q) >= 2 and q in t.text:
        best = 0.7 + 0.2 * len(q) / len(t.text)
    return max(best, _explained(p, t))


def _typo(p: Parsed, qj: str, t: Term) -> float:
    """The costly part: a typo in the whole query, or in one word of a sentence (weighed by its share)."""
    if p.chosung or not p.text:
        return 0.0
    best = _fuzzy(p.text, qj, t)
    if len(p.tokens) > 1:
        for token in p.tokens:
            if len(token) >= 2:
                best = max(best, _fuzzy(token, jamo(token), t) * (0.6 + 0.4 * len(token) / len(p.text)))
    return best


def term_score(p: Parsed, qj: str, t: Term) -> float:
    direct = _direct(p, t)
    return direct if direct >= FUZZY_CAP else max(direct, _typo(p, qj, t))


class SearchIndex:
    """Built once per knowledge base; searching reads only in-memory maps."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.terms: list[Term] = []
        for item_no, item_id in enumerate(sorted(kb.items)):
            for i, raw in enumerate(kb.items[item_id].terms()):
                folded = words(fold(raw))
                text = "".join(folded)
                if text:
                    weight = 1.0 if i < 2 else SYNONYM_WEIGHT
                    self.terms.append(
                        Term(
                            item_no,
                            item_id,
                            text,
                            tuple(folded),
                            jamo(text),
                            chosung(text),
                            weight,
                            frozenset(text),
                        )
                    )
        self.vocabulary = frozenset(w for t in self.terms for w in (*t.words, t.text))
        self._by_pair: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        for n, t in enumerate(self.terms):
            for pair in _pairs(t.text):
                self._by_pair.setdefault(pair, []).append(n)
            for w in {*t.words, t.text}:
                self._by_word.setdefault(w, []).append(n)
        modifiers: dict[str, set[str]] = {item_id: set() for item_id in kb.items}
        for t in self.terms:
            modifiers[t.item_id].update(m for m in BIN_MODIFIERS if m in t.text)
        self._modifiers = {item_id: frozenset(found) for item_id, found in modifiers.items()}
        self._category = {item_id: item.category for item_id, item in kb.items.items()}
        self._by_syllable: dict[str, list[int]] = {}
        # 초성 prefixes of two letters or more: "ㅍㅌ" finds every term whose initials start so.
        self._by_chosung: dict[str, list[int]] = {}
        for n, t in enumerate(self.terms):
            for syllable in t.syllables:
                self._by_syllable.setdefault(syllable, []).append(n)
            for end in range(1, len(t.chosung) + 1):
                self._by_chosung.setdefault(t.chosung[:end], []).append(n)

    def _candidates(self, p: Parsed) -> Iterable[int]:
        if p.chosung:
            return self._by_chosung.get(p.text, ())
        counts: Counter[int] = Counter()
        for pair in _pairs(p.text):
            for n in self._by_pair.get(pair, ()):
                counts[n] += 1
        for token in p.tokens:
            for n in self._by_word.get(token, ()):
                counts[n] += 2
        if not counts:
            # No shared syllable pair: a typo in a short word. Terms sharing any syllable, most first.
            for syllable in set(p.text):
                for n in self._by_syllable.get(syllable, ()):
                    counts[n] += 1
        return [n for n, _ in counts.most_common(CANDIDATE_TERMS)]

    def _tied(self, hits: tuple[Hit, ...]) -> bool:
        """Two items in different bins match equally well ("ㅇㅇㅍ": 우유팩 or 이어폰): ask, do not pick."""
        if len(hits) < 2 or hits[0].score - hits[1].score > TIE:
            return False
        return self._category[hits[0].item_id] != self._category[hits[1].item_id]

    def search(self, query: str, limit: int) -> Found:
        p = parse(query, self.vocabulary)
        wanted = [m for m in p.modifiers if m in BIN_MODIFIERS]
        scored: list[tuple[Term, float, float]] = []
        for n in self._candidates(p):
            t = self.terms[n]
            factor = t.weight * (
                MISSING_MODIFIER if any(m not in self._modifiers[t.item_id] for m in wanted) else 1
            )
            scored.append((t, _direct(p, t), factor))
        top = max((direct * factor for _, direct, factor in scored), default=0.0)
        # Typo matching is the costly part: only where it could still reach the answer or a suggestion.
        bar = top if top >= SURE else SUGGEST
        qj = jamo(p.text) if top < FUZZY_CAP else ""
        best: dict[str, tuple[float, int]] = {}
        for t, direct, factor in scored:
            score = direct
            if qj and direct < FUZZY_CAP and FUZZY_CAP * factor > bar:
                score = max(direct, _typo(p, qj, t))
            score *= factor
            if score > best.get(t.item_id, (0.0, 0))[0]:
                best[t.item_id] = (score, t.item_no)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        hits = tuple(Hit(item_id, round(score, 4)) for item_id, (score, _) in ranked if score >= SUGGEST)
        if hits and hits[0].score >= SURE and not self._tied(hits):
            return Found(hits[:limit], False, p)
        return Found(hits[: min(limit, SUGGESTIONS)], True, p)
