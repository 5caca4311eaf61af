"""The knowledge base files: schema, completeness and the facts that matter most."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from svc_coach import kb as knowledge
from svc_coach.schema_check import validate

CODES = {
    "paper": "종이류", "paper_pack": "종이팩", "glass": "유리병", "can_metal": "캔류·고철",
    "plastic": "플라스틱",
    "clear_pet": "투명 페트병", "vinyl": "비닐류", "styrofoam": "스티로폼", "food": "음식물류",
    "textiles": "의류·원단", "battery": "폐건전지", "lamp": "폐형광등", "medicine": "폐의약품",
    "small_electronics": "소형가전", "large_appliance": "대형가전", "bulky": "대형폐기물",
    "general": "일반쓰레기(종량제봉투)", "non_combustible": "불연성 폐기물",
    "hazardous": "생활계 유해폐기물", "cooking_oil": "폐식용유",
}  # fmt: skip


def test_every_category_is_present_with_its_korean_name(kb):
    assert {c: kb.categories[c].name_ko for c in kb.categories} == CODES


def test_at_least_150_items_each_complete(kb):
    assert len(kb.items) >= 150
    for item in kb.items.values():
        assert item.category in kb.categories, item.id
        assert item.steps.ko and item.steps.en, item.id
        assert item.why.ko and item.why.en, item.id
        assert item.common_mistake.ko and item.common_mistake.en, item.id
        assert item.source.strip(), item.id


def test_no_duplicate_ids_across_files():
    ids = []
    for path in (knowledge.KNOWLEDGE_DIR / "items").glob("*.yaml"):
        ids += [raw["id"] for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]]
    assert len(ids) == len(set(ids))


def test_every_category_has_items(kb):
    used = {i.category for i in kb.items.values()}
    assert used == set(kb.categories)


@pytest.mark.parametrize(
    ("item_id", "category"),
    [
        ("thermal_receipt", "general"),
        ("pizza_box", "paper"),
        ("coated_paper", "general"),
        ("ceramics", "non_combustible"),
        ("heat_resistant_glass", "non_combustible"),
        ("mirror", "non_combustible"),
        ("broken_glass", "non_combustible"),
        ("animal_bones", "general"),
        ("clam_shells", "general"),
        ("egg_shells", "general"),
        ("fruit_pits", "general"),
        ("tea_bag", "general"),
        ("cup_noodle_container", "styrofoam"),
        ("butane_can", "can_metal"),
        ("spray_can", "can_metal"),
        ("water_bottle", "clear_pet"),
        ("colored_pet_bottle", "plastic"),
        ("aseptic_carton", "paper_pack"),
        ("ice_pack", "general"),
        ("wet_wipes", "general"),
        ("toothbrush", "general"),
        ("wooden_chopsticks", "general"),
        ("pills", "medicine"),
        ("fluorescent_tube", "lamp"),
        ("dry_cell_battery", "battery"),
        ("mobile_phone", "small_electronics"),
        ("refrigerator", "large_appliance"),
        ("sofa", "bulky"),
    ],
)
def test_tricky_items_sit_in_the_right_category(kb, item_id, category):
    assert kb.items[item_id].category == category


def test_greasy_pizza_box_and_stained_cup_noodle_switch_to_general(kb):
    assert kb.items["pizza_box"].conditions["residue"].category == "general"
    assert kb.items["cup_noodle_container"].conditions["residue"].category == "general"
    assert kb.categories["glass"].conditions["broken"].category == "non_combustible"


def test_files_match_the_json_schema_also_by_the_reference_validator():
    schema = json.loads((knowledge.KNOWLEDGE_DIR / "schema.json").read_text(encoding="utf-8"))
    d = knowledge.KNOWLEDGE_DIR
    pairs = [(d / "categories.yaml", "categories_file"), (d / "regions.yaml", "regions_file")]
    pairs += [(p, "items_file") for p in sorted((d / "items").glob("*.yaml"))]
    for path, part in pairs:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, {**schema, "$ref": f"#/$defs/{part}"})
        assert validate(data, schema["$defs"][part], schema) == []


def _copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge.KNOWLEDGE_DIR, target)
    return target


def test_a_missing_field_is_reported(tmp_path):
    d = _copy_kb(tmp_path)
    path = d / "items" / "paper.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["items"][0]["why"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeError, match="missing 'why'"):
        knowledge.load(d)


def test_an_unknown_category_is_reported(tmp_path):
    d = _copy_kb(tmp_path)
    path = d / "items" / "paper.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["category"] = "moon_rock"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(knowledge.KnowledgeError, match="unknown category moon_rock"):
        knowledge.load(d)


def test_a_duplicate_id_is_reported(tmp_path):
    d = _copy_kb(tmp_path)
    shutil.copy(d / "items" / "paper.yaml", d / "items" / "paper_again.yaml")
    with pytest.raises(knowledge.KnowledgeError, match="duplicate item id"):
        knowledge.load(d)


def test_digest_changes_with_the_files(tmp_path, kb):
    d = _copy_kb(tmp_path)
    assert knowledge.load(d).digest == kb.digest
    with (d / "regions.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# touched\n")
    assert knowledge.load(d).digest != kb.digest
