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
        "양념",
        "얼룩",
        "찌든",
        "치즈",
        "눌어붙",
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
    "ko": {
        "mistake": "자주 하는 실수: ",
        "region": "우리 지역 안내 ({name}, {as_of} 확인): ",
        "no_region_data": (
            "배출 요일·장소·수수료는 지역마다 달라요. 이 지역의 규칙은 아직 자료가 없으니 "
            "구청·군청 누리집이나 주민센터에서 확인해 주세요."
        ),
    },
    "en": {
        "mistake": "Common mistake: ",
        "region": "Local rule ({name}, checked {as_of}): ",
        "no_region_data": (
            "Collection days, places and fees vary by district, and we have no data for yours yet: "
            "check your district office's website or community centre."
        ),
    },
}
# Where the district decides the route or the fee, an answer for an unknown district says so.
VARIES_BY_DISTRICT = (
    "bulky",
    "food",
    "hazardous",
    "cooking_oil",
    "non_combustible",
    "large_appliance",
    "general",
)


def region_notes(
    kb: KnowledgeBase, region_code: str, override: RegionOverride | None, category: str, language: str
) -> list[str]:
    labels = _LABELS[language]
    if override is not None:
        head = labels["region"].format(name=kb.region_name(region_code, language), as_of=override.as_of)
        return [head + override.note.get(language)]
    if region_code and region_code not in kb.regions and category in VARIES_BY_DISTRICT:
        return [labels["no_region_data"]]
    return []


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
    # The district's rule, or the note that rules vary by district (also among `coaching`).
    local: tuple[str, ...] = field(default=(), compare=False)


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


def _tip(
    effective: Category, item: Item | None, switching: Condition | None, active: frozenset[str], language: str
) -> tuple[str, str]:
    """(kind, text): what the vision saw first, else the item's own step, else the category's first."""
    own = item is not None and switching is None and item.category == effective.code
    if switching is not None and switching.tip in effective.tips:
        return switching.tip, effective.tips[switching.tip].get(language)
    for flag, kind in FLAG_TIPS:
        if flag in active:
            if own and item.tip.kind == kind:
                return kind, item.tip.get(language)
            if kind in effective.tips:
                return kind, effective.tips[kind].get(language)
    if own:
        return item.tip.kind, item.tip.get(language)
    kind = next(iter(effective.tips))
    return kind, effective.tips[kind].get(language)


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
        # A condition that keeps the bin may still change what to do ("깨진 수은 체온계": clean up first).
        steps = next((c.steps for c in applied if c.steps), item.steps).get(language)
    else:
        steps = effective.steps.get(language)
    why = item.why.get(language) if item and not moved else effective.why.get(language)
    bin_text = item_bin(effective, item if not moved else None, override, language)
    kind, tip = _tip(effective, item, switching, active, language)
    if override and override.tip:
        tip = override.tip.get(language)

    labels = _LABELS[language]
    notes = [c.note.get(language) for c in applied]
    local = region_notes(kb, region_code, override, effective.code, language)
    notes += local
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
        tuple(local),
    )


def item_bin(category: Category, item: Item | None, override: RegionOverride | None, language: str) -> str:
    """The district's bin, else the item's own, else its category's."""
    if override and override.bin:
        return override.bin.get(language)
    if item is not None and item.bin is not None:
        return item.bin.get(language)
    return category.bin.get(language)


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
    bin: str = ""


def view_item(
    kb: KnowledgeBase, item: Item, language: str, region_code: str = "", hint: str = ""
) -> ItemView:
    """The item under the region's rules and the conditions its query names ("기름 묻은 피자박스")."""
    override = kb.override(region_code, item.id) if region_code else None
    base = kb.categories[item.category]
    switching, applied = (
        _condition(item, base, flags_from_hint(Flags(), hint).active()) if hint else (None, [])
    )
    code = (override.category if override and override.category else None) or (
        switching.category if switching else item.category
    )
    category = kb.categories[code]
    steps = next((c.steps for c in applied if c.steps), item.steps).get(language)
    why = item.why.get(language)
    source = item.source
    if switching:
        steps = switching.steps.get(language) if switching.steps else category.steps.get(language)
        why = f"{switching.note.get(language)} {category.why.get(language)}"
    if override:
        steps = override.steps.get(language) if override.steps else steps
        source = f"{source}; {override.source}"
    notes = region_notes(kb, region_code, override, category.code, language)
    if notes:
        why = " ".join((why, *notes))
    moved = category.code != item.category
    bin_text = item_bin(category, None if moved else item, override, language)
    return ItemView(item, category, tuple(steps), why, item.common_mistake.get(language), source, bin_text)
