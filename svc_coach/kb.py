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
class Item:
    id: str
    name_ko: str
    name_en: str
    synonyms: tuple[str, ...]
    category: str
    steps: Texts
    why: Text
    common_mistake: Text
    tip: str
    source: str
    must: Texts | None = None
    conditions: Mapping[str, Condition] = field(default_factory=dict)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ko

    def terms(self) -> tuple[str, ...]:
        """Every name a person might type for this item."""
        return (self.name_ko, self.name_en, *self.synonyms)


@dataclass(frozen=True)
class RegionOverride:
    note: Text
    source: str
    category: str | None = None
    bin: Text | None = None
    steps: Texts | None = None


@dataclass(frozen=True)
class Region:
    code: str
    name_ko: str
    name_en: str
    items: Mapping[str, RegionOverride]


@dataclass(frozen=True)
class KnowledgeBase:
    categories: Mapping[str, Category]
    items: Mapping[str, Item]
    regions: Mapping[str, Region]
    # sha256 over the raw files: the DB index is re-seeded when it changes.
    digest: str

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
        tip=raw["tip"],
        source=raw["source"],
        must=_texts(raw.get("must")),
        conditions=_conditions(raw.get("conditions")),
    )


def _region(code: str, raw: Mapping[str, Any]) -> Region:
    items = {
        item_id: RegionOverride(
            _text(o["note"]),
            o["source"],
            o.get("category"),
            _text(o["bin"]) if "bin" in o else None,
            _texts(o.get("steps")),
        )
        for item_id, o in raw["items"].items()
    }
    return Region(code, raw["name_ko"], raw["name_en"], items)


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
        elif item.tip not in category.tips:
            problems.append(f"item {item.id}: category {item.category} has no '{item.tip}' tip")
        for flag, cond in item.conditions.items():
            if cond.category and cond.category not in kb.categories:
                problems.append(f"item {item.id}: condition {flag} names unknown category {cond.category}")
    for category in kb.categories.values():
        for flag, cond in category.conditions.items():
            if cond.category and cond.category not in kb.categories:
                problems.append(f"category {category.code}: condition {flag} names unknown {cond.category}")
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
    kb = KnowledgeBase(categories, items, regions, digest.hexdigest())
    _check_references(kb)
    return kb
