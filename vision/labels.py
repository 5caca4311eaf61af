"""Project label set and its mapping onto Korean separate-collection (분리배출) category codes.

The photo data sets only know nine visual kinds of waste; the disposal category codes are the
stable API the rest of the system speaks. Several labels may share a category.
"""

from __future__ import annotations

from dataclasses import dataclass

# Stable API: every code the coach knows, whether or not the on-device model can predict it. The
# same list, in the same order, as svc_locations.domain.CATEGORIES, where the append-only rule is
# written (tests/unit/test_category_codes.py).
CATEGORY_CODES: tuple[str, ...] = (
    "paper",
    "paper_pack",
    "glass",
    "can_metal",
    "plastic",
    "clear_pet",
    "vinyl",
    "styrofoam",
    "food",
    "textiles",
    "battery",
    "lamp",
    "medicine",
    "small_electronics",
    "large_appliance",
    "bulky",
    "general",
    "non_combustible",
    "hazardous",
    "cooking_oil",
)


@dataclass(frozen=True)
class LabelInfo:
    label: str
    category: str
    item: str
    item_ko: str
    material: str


LABELS: dict[str, LabelInfo] = {
    info.label: info
    for info in (
        # TrashNet keeps cardboard and paper apart but wastenet9 merges them: one label, same bin anyway.
        LabelInfo("paper", "paper", "paper or cardboard", "종이·골판지", "paper"),
        LabelInfo("paper_pack", "paper_pack", "milk or juice carton", "종이팩(우유·주스 팩)", "paper"),
        LabelInfo("glass", "glass", "glass bottle or jar", "유리병", "glass"),
        LabelInfo("metal", "can_metal", "metal or aluminium can", "캔·고철", "metal"),
        LabelInfo("plastic", "plastic", "plastic container", "플라스틱 용기", "plastic"),
        LabelInfo("textiles", "textiles", "clothing or fabric", "의류·섬유", "textile"),
        LabelInfo("organic", "food", "food or organic waste", "음식물 쓰레기", "organic"),
        # Small wood scraps go into the pay-as-you-throw bag; furniture is bulky waste (the coach asks).
        LabelInfo("wood", "general", "wood scrap", "나무 조각", "wood"),
        LabelInfo("trash", "general", "mixed non-recyclable waste", "일반 쓰레기", "mixed"),
    )
}

# Folder name in each data set -> project label.
DATASET_LABEL_MAP: dict[str, dict[str, str]] = {
    "trashnet": {
        "cardboard": "paper",
        "paper": "paper",
        "glass": "glass",
        "metal": "metal",
        "plastic": "plastic",
        "trash": "trash",
    },
    "wastenet9": {
        "aluminium": "metal",
        "carton": "paper_pack",
        "glass": "glass",
        "organic_waste": "organic",
        "other_plastics": "plastic",
        "paper_and_cardboard": "paper",
        "plastic": "plastic",
        "textiles": "textiles",
        "wood": "wood",
    },
}


def category_of(label: str) -> str:
    return LABELS[label].category
