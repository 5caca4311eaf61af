"""Pure: how the user's text hint and the image prediction combine into one answer."""

from __future__ import annotations

from dataclasses import dataclass

# A hint that matches a knowledge-base item this well names the item outright ("피자 박스").
STRONG_HINT = 0.75
# Even an exact hint leaves the photo some say: a typo'd or wrong hint must not erase clear evidence.
MAX_HINT_WEIGHT = 0.8
CONFIRM_BELOW = 0.6


@dataclass(frozen=True)
class HintMatch:
    item_id: str
    category: str
    name_en: str
    name_ko: str
    score: float


@dataclass(frozen=True)
class Decision:
    category: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    needs_confirmation: bool
    item_id: str = ""
    item: str = ""
    item_ko: str = ""


def decide(category_probs: dict[str, float], hint: HintMatch | None, needs_confirmation: bool) -> Decision:
    """A strong hint decides the item; a weak one only nudges the image's distribution toward its category."""
    probs = dict(category_probs)
    if hint is not None:
        weight = min(MAX_HINT_WEIGHT, hint.score if hint.score >= STRONG_HINT else hint.score / 2)
        probs = {code: p * (1 - weight) for code, p in probs.items()}
        probs[hint.category] = probs.get(hint.category, 0.0) + weight
    ranked = sorted(probs.items(), key=lambda kv: kv[1], reverse=True)
    category, confidence = ranked[0]
    alternatives = tuple((code, round(p, 4)) for code, p in ranked[:3])
    use_hint = hint is not None and hint.category == category and hint.score >= STRONG_HINT
    return Decision(
        category=category,
        confidence=round(confidence, 4),
        alternatives=alternatives,
        # Without a hint the vision model's calibrated threshold decides; with one, the combined confidence.
        needs_confirmation=needs_confirmation if hint is None else confidence < CONFIRM_BELOW,
        item_id=hint.item_id if use_hint else "",
        item=hint.name_en if use_hint else "",
        item_ko=hint.name_ko if use_hint else "",
    )
