"""One list of category codes: the drop-off index stores each code's position, vision predicts the
codes, the knowledge base describes them and the cloud prompt names them. They must agree, and the
list only ever grows at its end."""

from pathlib import Path

import yaml

from svc_locations.domain import CATEGORIES
from vision.cloud import SYSTEM_PROMPT
from vision.labels import CATEGORY_CODES, LABELS

ROOT = Path(__file__).resolve().parents[2]
# The list as stored positions first shipped: never reorder these, only append after them.
SHIPPED = (
    "paper", "paper_pack", "glass", "can_metal", "plastic", "clear_pet", "vinyl", "styrofoam", "food",
    "textiles", "battery", "lamp", "medicine", "small_electronics", "large_appliance", "bulky",
    "general", "non_combustible", "hazardous", "cooking_oil",
)  # fmt: skip


def test_every_copy_is_the_same_list_in_the_same_order():
    kb = yaml.safe_load((ROOT / "svc_coach" / "knowledge" / "categories.yaml").read_text(encoding="utf-8"))
    assert CATEGORY_CODES == CATEGORIES
    assert tuple(c["code"] for c in kb["categories"]) == CATEGORIES


def test_codes_are_append_only_and_fit_the_index():
    assert CATEGORIES[: len(SHIPPED)] == SHIPPED
    assert len(CATEGORIES) == len(set(CATEGORIES)) <= 64


def test_the_cloud_prompt_names_every_code():
    assert all(code in SYSTEM_PROMPT for code in CATEGORIES)


def test_every_vision_label_maps_to_a_code():
    assert {info.category for info in LABELS.values()} <= set(CATEGORIES)
