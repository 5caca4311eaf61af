"""Pure composition of guidance: category or item, condition flags, hint, language and region → Guidance.

The one tip is chosen by what the vision saw (flags) first, because the step a person skips is the
one visible on the item now; without flags the item's own most-skipped step is coached.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from svc_coach.kb import FLAGS, Category, Condition, Item, KnowledgeBase, RegionOverride

DEFAULT_SOURCE = "환경부 재활용품 분리배출 가이드라인"
# Flag → the tip kind that fixes it. `broken` has no tip kind: it changes the category instead.
FLAG_TIPS = (
    ("residue", "rinse"),
    ("label_attached", "label_off"),
    ("mixed_materials", "separate"),
    ("cap_on", "cap"),
)
# Conditions are applied in this order; the first that changes the category wins.
CONDITION_ORDER = ("broken", "residue", "mixed_materials", "label_attached", "cap_on")
# Words in a free-text hint (from the vision model or the user) that imply a flag.
HINT_WORDS = {
    "residue": (
        "기름",
        "음식물",
        "오염",
        "더러",
        "소스",
        "greasy",
        "grease",
        "oil",
        "dirty",
        "food",
        "residue",
        "stain",
    ),
    "broken": ("깨진", "깨졌", "깨짐", "파손", "broken", "cracked", "shattered"),
    "label_attached": ("라벨", "label"),
    "mixed_materials": ("복합", "혼합", "mixed", "composite"),
}
_LABELS = {
    "ko": {"mistake": "자주 하는 실수: ", "region": "우리 지역 안내: "},
    "en": {"mistake": "Common mistake: ", "region": "Local rule: "},
}


@dataclass(frozen=True)
class Flags:
    residue: bool = False
    label_attached: bool = False
    cap_on: bool = False
    mixed_materials: bool = False
    broken: bool = False

    def active(self) -> frozenset[str]:
        return frozenset(name for name in FLAGS if getattr(self, name))


@dataclass(frozen=True)
class Guidance:
    category: Category
    steps: tuple[str, ...]
    why: str
    bin: str
    tip: str
    tip_kind: str
    # The first line is the friendly message (the KB's, or an LLM's that passed the check).
    coaching: tuple[str, ...]
    item_id: str = ""
    source: str = DEFAULT_SOURCE
    composed_by: str = "kb"
    # Sentences the message must not contradict; kept for the LLM check, not sent to clients.
    must: tuple[str, ...] = field(default=(), compare=False)


def flags_from_hint(flags: Flags, hint: str) -> Flags:
    text = hint.lower()
    implied = {flag: True for flag, words in HINT_WORDS.items() if any(w in text for w in words)}
    return replace(flags, **implied) if implied else flags


def _condition(
    item: Item | None, category: Category, active: frozenset[str]
) -> tuple[Condition | None, list[Condition]]:
    """The category-changing condition (if any) and every condition that applies, item's first."""
    applied: list[Condition] = []
    for flag in CONDITION_ORDER:
        if flag not in active:
            continue
        cond = (item.conditions.get(flag) if item else None) or category.conditions.get(flag)
        if cond is not None:
            applied.append(cond)
    switching = next((c for c in applied if c.category and c.category != category.code), None)
    return switching, applied


def _tip_kind(
    effective: Category, item: Item | None, switching: Condition | None, active: frozenset[str]
) -> str:
    if switching is not None and switching.tip in effective.tips:
        return switching.tip
    for flag, kind in FLAG_TIPS:
        if flag in active and kind in effective.tips:
            return kind
    if item is not None and switching is None and item.tip in effective.tips:
        return item.tip
    return next(iter(effective.tips))


def compose(
    kb: KnowledgeBase,
    category_code: str,
    item: Item | None,
    flags: Flags,
    hint: str,
    language: str,
    region_code: str = "",
) -> Guidance:
    """Guidance for an item (when given) or a category; category_code is ignored when item is given."""
    base = kb.categories[item.category if item else category_code]
    active = flags_from_hint(flags, hint).active()
    switching, applied = _condition(item, base, active)
    override: RegionOverride | None = kb.override(region_code, item.id) if item and region_code else None
    code = (override.category if override and override.category else None) or (
        switching.category if switching else base.code
    )
    effective = kb.categories[code]
    moved = code != base.code

    if override and override.steps:
        steps = override.steps.get(language)
    elif switching and switching.steps:
        steps = switching.steps.get(language)
    elif item and not moved:
        steps = item.steps.get(language)
    else:
        steps = effective.steps.get(language)
    why = item.why.get(language) if item and not moved else effective.why.get(language)
    bin_text = override.bin.get(language) if override and override.bin else effective.bin.get(language)
    kind = _tip_kind(effective, item, switching, active)
    tip = effective.tips[kind].get(language)

    labels = _LABELS[language]
    notes = [c.note.get(language) for c in applied]
    if override:
        notes.append(labels["region"] + override.note.get(language))
    if item:
        notes.append(labels["mistake"] + item.common_mistake.get(language))
    name = item.name(language) if item else effective.name(language)
    coaching = (message(name, bin_text, tip, language), *notes)
    source = item.source if item else DEFAULT_SOURCE
    if override:
        source = f"{source}; {override.source}"
    must = item.must.get(language) if item and item.must and not moved else ()
    return Guidance(
        effective,
        tuple(steps),
        why,
        bin_text,
        tip,
        kind,
        coaching,
        item.id if item else "",
        source,
        "kb",
        must,
    )


def message(name: str, bin_text: str, tip: str, language: str) -> str:
    """The KB's own friendly message: where it goes and the one thing to do first."""
    if language == "en":
        return f"{name} → {bin_text}. Before you put it out: {tip}"
    return f"{name} → {bin_text}. 버리기 전에 꼭: {tip}"


@dataclass(frozen=True)
class ItemView:
    """An item as a client sees it under a region's rules."""

    item: Item
    category: Category
    steps: tuple[str, ...]
    why: str
    common_mistake: str
    source: str


def view_item(kb: KnowledgeBase, item: Item, language: str, region_code: str = "") -> ItemView:
    override = kb.override(region_code, item.id) if region_code else None
    category = kb.categories[override.category if override and override.category else item.category]
    steps = override.steps.get(language) if override and override.steps else item.steps.get(language)
    why = item.why.get(language)
    source = item.source
    if override:
        why = f"{why} {override.note.get(language)}"
        source = f"{source}; {override.source}"
    return ItemView(item, category, tuple(steps), why, item.common_mistake.get(language), source)
