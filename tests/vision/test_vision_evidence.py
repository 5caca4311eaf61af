"""ImageNet evidence for the blind categories: it adds a choice, never replaces the head's answer."""

from __future__ import annotations

import numpy as np
import pytest

from vision.classifier import prediction_from_label_probs
from vision.evidence import (
    ADDED_MIN,
    BLIND,
    EVIDENCE_FLOOR,
    IMAGENET_EVIDENCE,
    add_choice,
    blind_evidence,
    fit_evidence_min,
    strongest,
)
from vision.labels import CATEGORY_CODES

PILL_BOTTLE, PLASTIC_BAG, QUILT = 720, 728, 750


def logits_for(index: int, strength: float = 12.0) -> np.ndarray:
    z = np.zeros(1000, dtype=np.float32)
    z[index] = strength
    return z


def test_blind_categories_are_category_codes_the_head_cannot_answer() -> None:
    assert set(BLIND) <= set(CATEGORY_CODES)
    assert IMAGENET_EVIDENCE[PILL_BOTTLE] == "medicine" and IMAGENET_EVIDENCE[PLASTIC_BAG] == "vinyl"


def test_evidence_sums_the_mapped_imagenet_classes() -> None:
    ev = blind_evidence(np.stack([logits_for(PILL_BOTTLE), np.zeros(1000, np.float32)]))
    assert ev[0, BLIND.index("medicine")] > 0.9
    assert ev[1].sum() == pytest.approx(len(IMAGENET_EVIDENCE) / 1000, rel=1e-4)  # uniform logits
    assert strongest(logits_for(PILL_BOTTLE), dict.fromkeys(BLIND, 0.5))[0] == "medicine"
    assert strongest(logits_for(PILL_BOTTLE), {"vinyl": 0.5}) is None  # no threshold: never
    assert strongest(np.zeros(1000, np.float32), dict.fromkeys(BLIND, 0.5)) is None


def test_threshold_bounds_the_false_alarms_on_known_photos() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 1, (200, 1000)).astype(np.float32)
    logits[:10, PLASTIC_BAG] = np.linspace(4, 13, 10)  # ten photos look like a bag, to varying degrees
    logits[10:12, PILL_BOTTLE] = 13  # two look like pill bottles
    minimum = fit_evidence_min(logits, 0.02 * len(BLIND))  # 2 % per category
    ev = blind_evidence(logits)
    assert (ev[:, BLIND.index("vinyl")] >= minimum["vinyl"]).sum() == 4  # 2 % of 200
    assert (ev[:, BLIND.index("medicine")] >= minimum["medicine"]).sum() == 2
    assert minimum["lamp"] == EVIDENCE_FLOOR  # nothing looks like a lamp: the floor holds


@pytest.mark.parametrize(
    "probs",
    [
        {"plastic": 0.7, "glass": 0.2, "can_metal": 0.1},
        {"plastic": 0.4, "glass": 0.39, "can_metal": 0.21},
        {"paper": 0.98, "general": 0.02},
    ],
)
def test_added_choice_is_offered_below_the_top(probs: dict[str, float]) -> None:
    out = add_choice({**dict.fromkeys(CATEGORY_CODES, 0.0), **probs}, "medicine", 0.9)
    assert out is not None
    ranked = sorted(out, key=out.__getitem__, reverse=True)
    assert ranked[0] == max(probs, key=probs.__getitem__)  # the head's answer stays on top
    assert ranked[1] == "medicine" and out["medicine"] >= ADDED_MIN  # offered by the coach
    assert sum(out.values()) == pytest.approx(1.0)


def test_known_category_already_on_top_adds_nothing() -> None:
    assert add_choice({"general": 0.6, "paper": 0.4}, "general", 0.9) is None
    # The plastic family question already asks "clear PET or other plastic".
    assert add_choice({"plastic": 0.6, "glass": 0.4}, "clear_pet", 0.9) is None
    assert add_choice({"glass": 0.6, "plastic": 0.4}, "clear_pet", 0.9) is not None
    out = add_choice({"paper": 0.6, "general": 0.3, "glass": 0.1}, "general", 0.9)
    assert out is not None and max(out, key=out.__getitem__) == "paper"


def test_prediction_with_evidence_asks_and_keeps_the_answer() -> None:
    label_probs = {"paper": 0.9, "trash": 0.06, "plastic": 0.04}
    plain = prediction_from_label_probs(label_probs, threshold=0.6, model="m")
    seen = prediction_from_label_probs(label_probs, threshold=0.6, model="m", evidence=("medicine", 0.8))
    assert plain.category == seen.category == "paper" and not plain.needs_confirmation
    assert seen.needs_confirmation and seen.evidence == {"medicine": 0.8}
    assert seen.alternatives[1][0] == "medicine" and plain.evidence == {}
