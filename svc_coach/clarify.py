"""Pure: a photo's prediction and the user's hint → the guidance to show, or one question to ask.

A scan asks instead of guessing when the difference that changes the bin is not visible (a family
question from the knowledge base), when the hint and the photo disagree, or when the photo is unsure.
Until the person answers, the guidance shown is the safe choice's, never merely the most likely one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from svc_coach.coaching import Flags, Guidance, compose
from svc_coach.kb import Item, KnowledgeBase, Text

# A hint that matches an item this well names the item outright ("피자 박스").
STRONG_HINT = 0.75
# Even an exact hint leaves the photo some say: a typo'd or wrong hint must not erase clear evidence.
MAX_HINT_WEIGHT = 0.8
# Below this combined confidence the scan asks which category it is.
CONFIRM_BELOW = 0.6
# The photo contradicts a strong hint when it is this sure of its own top category and gives the
# hint's category less than CONTRADICTS.
PHOTO_SURE = 0.5
CONTRADICTS = 0.2
# Categories offered when the photo is unsure: those the photo gives at least this much, at most three.
OFFER_ABOVE = 0.05
OFFER_MAX = 3
# Where a mistake hurts most, first: an unsure answer shows the earliest of these among its choices.
CAUTION = ("hazardous", "battery", "lamp", "medicine", "cooking_oil", "non_combustible")
# The model's item words must match a KB item this well to name it: on-device labels are generic
# ("플라스틱 용기", "캔·고철") and must not pick one specific item (a delivery box, a drink can).
NAME_MATCH = 0.9

_HINT_TEXT = Text(
    "사진과 입력하신 내용이 달라요. 어느 쪽인가요?", "The photo and your note disagree. Which is it?"
)
_UNSURE_TEXT = Text(
    "사진만으로는 확실하지 않아요. 어느 것에 가까운가요?", "The photo alone is not clear. Which is closest?"
)


@dataclass(frozen=True)
class Match:
    """A search hit resolved to its item."""

    item: Item
    score: float


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    category: str
    item_id: str
    guidance: Guidance


@dataclass(frozen=True)
class Asked:
    id: str
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Clarification:
    guidance: Guidance
    question: Asked | None
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    item: Item | None


@dataclass(frozen=True)
class _Context:
    kb: KnowledgeBase
    flags: Flags
    hint: str
    language: str
    region: str

    def guidance(self, category: str, item: Item | None) -> Guidance:
        return compose(self.kb, category, item, self.flags, self.hint, self.language, self.region)

    def option(
        self, choice_id: str, label: str, category: str, item: Item | None, said: bool = False
    ) -> Option:
        """A choice's guidance follows the choice: the note's words ("깨진") and the photo's guess of
        breakage apply only to the choice that is the note itself."""
        code = item.category if item else category
        if said:
            guidance = self.guidance(code, item)
        else:
            flags = replace(self.flags, broken=False)
            guidance = compose(self.kb, code, item, flags, "", self.language, self.region)
        return Option(choice_id, label, code, item.id if item else "", guidance)


def _combine(probs: Mapping[str, float], hint: Match | None) -> list[tuple[str, float]]:
    """A strong hint decides most of the distribution; a weak one only nudges it toward its category."""
    combined = dict(probs)
    if hint is not None:
        weight = min(MAX_HINT_WEIGHT, hint.score if hint.score >= STRONG_HINT else hint.score / 2)
        if not combined:
            weight = 1.0
        combined = {code: p * (1 - weight) for code, p in combined.items()}
        combined[hint.item.category] = combined.get(hint.item.category, 0.0) + weight
    return sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))


def _safest(options: tuple[Option, ...], default: str) -> Option:
    by_id = {o.id: o for o in options}
    for code in CAUTION:
        for option in options:
            if option.category == code:
                return option
    return by_id[default]


def _family(ctx: _Context, category: str) -> tuple[Asked, Option] | None:
    question = ctx.kb.questions.get(category)
    if question is None:
        return None
    options = tuple(
        ctx.option(c.id, c.label.get(ctx.language), c.category, ctx.kb.items.get(c.item_id))
        for c in question.choices
    )
    safe = next(o for o in options if o.id == question.safe)
    return Asked(question.id, question.text.get(ctx.language), options), safe


def _category_item(ctx: _Context, category: str, name: Match | None) -> Item | None:
    return name.item if name and name.score >= NAME_MATCH and name.item.category == category else None


def clarify(
    kb: KnowledgeBase,
    probs: Mapping[str, float],
    uncertain: bool,
    hint: Match | None,
    name: Match | None,
    flags: Flags,
    hint_text: str,
    language: str,
    region: str = "",
) -> Clarification:
    """`probs`: the photo's distribution; `hint`/`name`: the best items for the user's note and for the
    model's item words (None when the search was not sure)."""
    ctx = _Context(kb, flags, hint_text, language, region)
    strong = hint if hint is not None and hint.score >= STRONG_HINT else None
    ranked = _combine(probs, hint)
    if not ranked:
        raise ValueError("nothing to clarify: no photo distribution and no hint")
    alternatives = tuple((code, round(p, 4)) for code, p in ranked[:3])
    top, confidence = ranked[0]
    photo = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
    photo_top, photo_p = photo[0] if photo else ("", 0.0)

    def result(guidance: Guidance, asked: Asked | None, item: Item | None) -> Clarification:
        # With a question open, the confidence is that the answer is among its choices: the safe
        # guidance shown may well be the less likely one.
        sure = (
            sum(dict(ranked).get(c, 0.0) for c in {o.category for o in asked.options})
            if asked
            else confidence
        )
        return Clarification(guidance, asked, round(min(1.0, sure), 4), alternatives, item)

    family = kb.questions.get(photo_top)
    family_choices = {c.category for c in family.choices if c.note_settles} if family else set()
    if (
        strong is not None
        and photo
        and not uncertain
        and strong.item.category != photo_top
        # The photo cannot tell these apart: the note settles it ("생수병" on a plastic photo).
        and strong.item.category not in family_choices
        and photo_p >= PHOTO_SURE
        and probs.get(strong.item.category, 0.0) < CONTRADICTS
    ):
        photo_item = _category_item(ctx, photo_top, name)
        said = ctx.option("hint", strong.item.name(language), strong.item.category, strong.item, said=True)
        seen_name = photo_item.name(language) if photo_item else kb.categories[photo_top].name(language)
        seen = ctx.option("photo", seen_name, photo_top, photo_item)
        options = (said, seen)
        safe = _safest(options, "hint")
        asked = Asked("hint_or_photo", _HINT_TEXT.get(language), options)
        return result(safe.guidance, asked, kb.items.get(safe.item_id))

    if strong is not None and (strong.item.category == top or strong.item.category in family_choices):
        # The note names the item and the photo does not contradict it.
        return result(ctx.guidance(top, strong.item), None, strong.item)

    if uncertain or confidence < CONFIRM_BELOW:
        offered = [code for code, p in ranked[:OFFER_MAX] if p >= OFFER_ABOVE] or [top]
        if len(offered) >= 2:
            options = tuple(
                ctx.option(code, kb.categories[code].name(language), code, _category_item(ctx, code, name))
                for code in offered
            )
            safe = _safest(options, top)
            item = kb.items.get(safe.item_id)
            return result(safe.guidance, Asked("which_category", _UNSURE_TEXT.get(language), options), item)

    asked_family = _family(ctx, top)
    if asked_family is not None:
        asked, safe = asked_family
        return result(safe.guidance, asked, kb.items.get(safe.item_id))
    item = _category_item(ctx, top, name)
    return result(ctx.guidance(top, item), None, item)
