"""The knowledge base: YAML files under knowledge/, validated against schema.json, as frozen objects."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from svc_coach.schema_check import validate

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
LANGUAGES = ("ko", "en")
TIP_KINDS = ("rinse", "label_off", "cap", "crush", "dry", "separate")
FLAGS = ("residue", "label_attached", "cap_on", "mixed_materials", "broken")


class KnowledgeError(ValueError):
    """The knowledge files break the schema or refer to something that does not exist."""


@dataclass(frozen=True)
class Text:
    ko: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.ko


@dataclass(frozen=True)
class Texts:
    ko: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, language: str) -> tuple[str, ...]:
        return self.en if language == "en" else self.ko


@dataclass(frozen=True)
class Condition:
    """What changes when a condition flag is set (e.g. a greasy pizza box is general waste)."""

    note: Text
    category: str | None = None
    steps: Texts | None = None
    tip: str | None = None


@dataclass(frozen=True)
class Category:
    code: str
    name_ko: str
    name_en: str
    bin: Text
    steps: Texts
    why: Text
    tips: Mapping[str, Text]
    # Words that name this category's bin; the LLM check looks for them.
    keywords: Texts
    recyclable: bool = True
    conditions: Mapping[str, Condition] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ko


@dataclass(frozen=True)
class ItemTip:
    """The item's own most-skipped step; kind names the condition flag it fixes (rinse → residue…)."""

    kind: str
    text: Text

    def get(self, language: str) -> str:
        return self.text.get(language)


@dataclass(frozen=True)
class Item:
    id: str
    name_ko: str
    name_en: str
    synonyms: tuple[str, ...]
    category: str
    steps: Texts
    why: Text
    common_mistake: Text
    tip: ItemTip
    source: str
    must: Texts | None = None
    conditions: Mapping[str, Condition] = field(default_factory=dict)
    # Where it goes when that is not its category's usual bin.
    bin: Text | None = None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ko

    def terms(self) -> tuple[str, ...]:
        """Every name a person might type for this item."""
        return (self.name_ko, self.name_en, *self.synonyms)


@dataclass(frozen=True)
class RegionOverride:
    note: Text
    source: str
    as_of: str
    category: str | None = None
    bin: Text | None = None
    steps: Texts | None = None
    tip: Text | None = None


@dataclass(frozen=True)
class Region:
    code: str
    name_ko: str
    name_en: str
    items: Mapping[str, RegionOverride]


@dataclass(frozen=True)
class QuestionChoice:
    id: str
    label: Text
    category: str
    item_id: str = ""
    # A note naming this choice settles the question (else it contradicts the photo, and the scan asks).
    note_settles: bool = True


@dataclass(frozen=True)
class FamilyQuestion:
    """Asked whenever the photo's top category is `category`: the photo cannot see what decides the bin."""

    id: str
    category: str
    text: Text
    safe: str
    choices: tuple[QuestionChoice, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    categories: Mapping[str, Category]
    items: Mapping[str, Item]
    regions: Mapping[str, Region]
    # sha256 over the raw files: the DB index is re-seeded when it changes.
    digest: str
    # By the category whose photos raise them.
    questions: Mapping[str, FamilyQuestion] = field(default_factory=dict)

    def region_name(self, region_code: str, language: str) -> str:
        region = self.regions.get(region_code)
        if region is None:
            return region_code
        return region.name_en if language == "en" else region.name_ko

    def override(self, region_code: str, item_id: str) -> RegionOverride | None:
        region = self.regions.get(region_code)
        return region.items.get(item_id) if region else None


def _text(raw: Mapping[str, str]) -> Text:
    return Text(raw["ko"], raw["en"])


def _texts(raw: Mapping[str, list[str]] | None) -> Texts | None:
    return Texts(tuple(raw["ko"]), tuple(raw["en"])) if raw else None


def _conditions(raw: Mapping[str, Any] | None) -> dict[str, Condition]:
    return {
        flag: Condition(_text(c["note"]), c.get("category"), _texts(c.get("steps")), c.get("tip"))
        for flag, c in (raw or {}).items()
    }


def _category(raw: Mapping[str, Any]) -> Category:
    return Category(
        code=raw["code"],
        name_ko=raw["name_ko"],
        name_en=raw["name_en"],
        bin=_text(raw["bin"]),
        steps=_texts(raw["steps"]),
        why=_text(raw["why"]),
        tips={kind: _text(t) for kind, t in raw["tips"].items()},
        keywords=_texts(raw["keywords"]),
        recyclable=raw.get("recyclable", True),
        conditions=_conditions(raw.get("conditions")),
    )


def _item(raw: Mapping[str, Any]) -> Item:
    return Item(
        id=raw["id"],
        name_ko=raw["name_ko"],
        name_en=raw["name_en"],
        synonyms=tuple(raw["synonyms"]),
        category=raw["category"],
        steps=_texts(raw["steps"]),
        why=_text(raw["why"]),
        common_mistake=_text(raw["common_mistake"]),
        tip=ItemTip(raw["tip"]["kind"], _text(raw["tip"])),
        source=raw["source"],
        must=_texts(raw.get("must")),
        conditions=_conditions(raw.get("conditions")),
        bin=_text(raw["bin"]) if "bin" in raw else None,
    )


def _region(code: str, raw: Mapping[str, Any]) -> Region:
    items = {
        item_id: RegionOverride(
            _text(o["note"]),
            o["source"],
            o["as_of"],
            o.get("category"),
            _text(o["bin"]) if "bin" in o else None,
            _texts(o.get("steps")),
            _text(o["tip"]) if "tip" in o else None,
        )
        for item_id, o in raw["items"].items()
    }
    return Region(code, raw["name_ko"], raw["name_en"], items)


def _questions(raw: list[Mapping[str, Any]], items: Mapping[str, Item]) -> dict[str, FamilyQuestion]:
    out: dict[str, FamilyQuestion] = {}
    for q in raw:
        where = f"question {q['id']}"
        choices = []
        for c in q["choices"]:
            if ("item" in c) == ("category" in c):
                raise KnowledgeError(f"{where}: choice {c['id']} names an item or a category, not both")
            item = items.get(c.get("item", ""))
            if "item" in c and item is None:
                raise KnowledgeError(f"{where}: choice {c['id']} names unknown item {c['item']}")
            category = item.category if item else c["category"]
            settles = c.get("note_settles", True)
            choices.append(QuestionChoice(c["id"], _text(c["label"]), category, c.get("item", ""), settles))
        if q["safe"] not in {c.id for c in choices}:
            raise KnowledgeError(f"{where}: safe choice {q['safe']} is not one of its choices")
        if q["category"] in out:
            raise KnowledgeError(f"{where}: a second question for {q['category']}")
        text = _text(q["text"])
        out[q["category"]] = FamilyQuestion(q["id"], q["category"], text, q["safe"], tuple(choices))
    return out


def _read(path: Path, schema: dict[str, Any], part: str, digest: Any) -> Any:
    raw = path.read_bytes()
    digest.update(path.name.encode() + b"\0" + raw)
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc
    errors = validate(data, schema["$defs"][part], schema)
    if errors:
        raise KnowledgeError(f"{path.name}: " + "; ".join(errors[:10]))
    return data


def _check_references(kb: KnowledgeBase) -> None:
    problems: list[str] = []
    for item in kb.items.values():
        category = kb.categories.get(item.category)
        if category is None:
            problems.append(f"item {item.id}: unknown category {item.category}")
        for flag, cond in item.conditions.items():
            if cond.category and cond.category not in kb.categories:
                problems.append(f"item {item.id}: condition {flag} names unknown category {cond.category}")
    for category in kb.categories.values():
        for flag, cond in category.conditions.items():
            if cond.category and cond.category not in kb.categories:
                problems.append(f"category {category.code}: condition {flag} names unknown {cond.category}")
    for question in kb.questions.values():
        for code in {question.category, *(c.category for c in question.choices)}:
            if code not in kb.categories:
                problems.append(f"question {question.id}: unknown category {code}")
    for region in kb.regions.values():
        for item_id, o in region.items.items():
            if item_id not in kb.items:
                problems.append(f"region {region.code}: unknown item {item_id}")
            if o.category and o.category not in kb.categories:
                problems.append(f"region {region.code}: {item_id} names unknown category {o.category}")
    if problems:
        raise KnowledgeError("; ".join(problems[:20]))


def load(directory: Path = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Reads and validates every knowledge file; raises KnowledgeError naming the first problems."""
    schema = json.loads((directory / "schema.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    categories: dict[str, Category] = {}
    for raw in _read(directory / "categories.yaml", schema, "categories_file", digest)["categories"]:
        if raw["code"] in categories:
            raise KnowledgeError(f"categories.yaml: duplicate code {raw['code']}")
        categories[raw["code"]] = _category(raw)
    items: dict[str, Item] = {}
    for path in sorted((directory / "items").glob("*.yaml")):
        for raw in _read(path, schema, "items_file", digest)["items"]:
            if raw["id"] in items:
                raise KnowledgeError(f"{path.name}: duplicate item id {raw['id']}")
            items[raw["id"]] = _item(raw)
    regions_raw = _read(directory / "regions.yaml", schema, "regions_file", digest)["regions"]
    regions = {code: _region(code, raw) for code, raw in regions_raw.items()}
    questions_raw = _read(directory / "questions.yaml", schema, "questions_file", digest)["questions"]
    kb = KnowledgeBase(categories, items, regions, digest.hexdigest(), _questions(questions_raw, items))
    _check_references(kb)
    return kb
