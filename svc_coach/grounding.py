"""Checks an LLM's text against the knowledge base; any contradiction rejects the text.

Heuristic by design, and biased towards rejecting: a false rejection only costs the friendlier
wording (the KB text is shown), while a false acceptance could send waste to the wrong bin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from svc_coach.coaching import Guidance
from svc_coach.kb import KnowledgeBase

# A sentence with one of these is read as "not there" / "instead of" and never counts as an instruction.
NEGATIONS = (
    "않",
    "안 ",
    "안돼",
    "말고",
    "마세요",
    "말아",
    "아니",
    "아닌",
    "없",
    "못",
    "금지",
    "대신",
    "제외",
)
NEGATIONS_EN = (" not ", "n't", "never", " no ", "instead", "avoid", "rather than", "except")
RECYCLE_WORDS = ("재활용", "분리수거", "recycl")
_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def negated(sentence: str) -> bool:
    low = f" {sentence.lower()} "
    return any(n in low for n in NEGATIONS) or any(n in low for n in NEGATIONS_EN)


def named_categories(sentence: str, kb: KnowledgeBase) -> set[str]:
    """Categories whose bin words occur; longer words first, so '불연성 종량제' does not count as '종량제'."""
    text = sentence.lower()
    words = sorted(
        ((w.lower(), c.code) for c in kb.categories.values() for w in (*c.keywords.ko, *c.keywords.en)),
        key=lambda pair: -len(pair[0]),
    )
    found: set[str] = set()
    for word, code in words:
        if word in text:
            found.add(code)
            text = text.replace(word, "\0")
    return found


def affirmed(texts: Iterable[str], kb: KnowledgeBase) -> set[str]:
    """Categories named as a destination in sentences that are not negated."""
    codes: set[str] = set()
    for text in texts:
        for sentence in sentences(text):
            if not negated(sentence):
                codes |= named_categories(sentence, kb)
    return codes


def _codes_named(answer: str, kb: KnowledgeBase) -> set[str]:
    # Plain words such as "paper" or "glass" are ordinary English, so only code-shaped tokens count:
    # snake_case codes anywhere, one-word codes only when quoted or after "category".
    found = set()
    for code in kb.categories:
        if "_" in code and re.search(rf"\b{code}\b", answer):
            found.add(code)
        elif re.search(rf"[`'\"]{code}[`'\"]|categor(?:y|y code)\s*[:=]?\s*{code}\b", answer, re.IGNORECASE):
            found.add(code)
    return found


def check(
    answer: str, kb: KnowledgeBase, guidance: Guidance, extra_allowed: set[str] = frozenset()
) -> list[str]:
    """Reasons the answer contradicts the guidance; empty when it may be shown."""
    target = guidance.category
    # What the KB itself tells the person to do (steps, bin, tip) may be repeated; the mistake may not.
    allowed = {target.code} | set(extra_allowed) | affirmed((*guidance.steps, guidance.bin, guidance.tip), kb)
    reasons: list[str] = []
    if target.code not in named_categories(answer, kb):
        reasons.append("bin_missing")
    if affirmed([answer], kb) - allowed:
        reasons.append("other_category")
    if _codes_named(answer, kb) - allowed:
        reasons.append("other_code")
    kb_recycles = any(w in s.lower() for s in guidance.steps for w in RECYCLE_WORDS if not negated(s))
    if not target.recyclable and not kb_recycles:
        if any(w in s.lower() for s in sentences(answer) if not negated(s) for w in RECYCLE_WORDS):
            reasons.append("says_recycle")
    low = answer.lower()
    for must in guidance.must:
        if not any(alt.strip().lower() in low for alt in must.split("|")):
            reasons.append("must_missing")
            break
    return reasons
