"""Evidence for the categories the head cannot see, from the backbone's own ImageNet classifier.

The photo data sets teach nine labels; batteries, medicine, film, electronics and the like never
appear in them. The backbone's ImageNet classes still know some of these objects (pill bottle,
plastic bag, cellular telephone ...). Their probability is used for one thing only: to add the
blind category as a choice of the question the scan asks. It never replaces the head's answer:
the head's top category stays on top, and the scan is marked unsure so that the coach asks.
"""

from __future__ import annotations

import numpy as np

from vision.head import softmax

# ImageNet-1k class index -> the blind category code it is evidence for.
IMAGENET_EVIDENCE: dict[int, str] = {
    720: "medicine",  # pill bottle
    728: "vinyl",  # plastic bag
    898: "clear_pet",  # water bottle
    737: "clear_pet",  # pop bottle, soda bottle
    487: "small_electronics",  # cellular telephone
    528: "small_electronics",  # dial telephone
    761: "small_electronics",  # remote control
    589: "small_electronics",  # hand blower, hair drier
    620: "small_electronics",  # laptop
    681: "small_electronics",  # notebook computer
    590: "small_electronics",  # hand-held computer
    673: "small_electronics",  # computer mouse
    508: "small_electronics",  # computer keyboard
    605: "small_electronics",  # iPod
    754: "small_electronics",  # radio
    859: "small_electronics",  # toaster
    606: "small_electronics",  # iron
    545: "small_electronics",  # electric fan
    846: "lamp",  # table lamp
    619: "lamp",  # lampshade
    760: "large_appliance",  # refrigerator
    897: "large_appliance",  # washer, washing machine
    534: "large_appliance",  # dishwasher
    831: "bulky",  # studio couch
    765: "bulky",  # rocking chair
    559: "bulky",  # folding chair
    526: "bulky",  # desk
    532: "bulky",  # dining table
    894: "bulky",  # wardrobe
    453: "bulky",  # bookcase
    750: "general",  # quilt, comforter
    529: "general",  # diaper
}
BLIND = tuple(sorted(set(IMAGENET_EVIDENCE.values())))
# Blind categories that the family question of a head category already offers (questions.yaml:
# plastic -> clear PET or other plastic; general -> film or general): with that category on top the
# scan asks it anyway, so evidence adds nothing.
ASKED_BY_FAMILY = {"clear_pet": "plastic", "vinyl": "general"}
# Share of validation photos (all of the nine known labels) on which evidence may add a choice.
EVIDENCE_FALSE_ALARMS = 0.01
# Evidence weaker than this never counts: the ImageNet classes must be the photo's main reading.
EVIDENCE_FLOOR = 0.3
# Lowest share given to the added choice: the coach offers choices from 5 % up (OFFER_ABOVE).
ADDED_MIN = 0.06


def blind_evidence(imagenet_logits: np.ndarray) -> np.ndarray:
    """(N, 1000) ImageNet logits -> (N, len(BLIND)) summed class probabilities per blind category."""
    p = softmax(np.asarray(imagenet_logits, dtype=np.float32))
    out = np.zeros((len(p), len(BLIND)), dtype=np.float32)
    for idx, code in IMAGENET_EVIDENCE.items():
        out[:, BLIND.index(code)] += p[:, idx]
    return out


def fit_evidence_min(
    imagenet_logits: np.ndarray, false_alarms: float = EVIDENCE_FALSE_ALARMS
) -> dict[str, float]:
    """Per blind category, the smallest threshold at which at most `false_alarms / len(BLIND)` of these
    (known-label) photos fire, and never below EVIDENCE_FLOOR: together at most `false_alarms`."""
    ev = blind_evidence(imagenet_logits)
    allowed = int(np.floor(false_alarms / len(BLIND) * len(ev)))
    out = {}
    for i, code in enumerate(BLIND):
        ranked = np.sort(ev[:, i])[::-1]
        at = float(ranked[allowed]) + 1e-6 if allowed < len(ranked) else 0.0
        out[code] = round(min(1.0, max(EVIDENCE_FLOOR, at)), 6)
    return out


def strongest(imagenet_logits: np.ndarray, minimum: dict[str, float]) -> tuple[str, float] | None:
    """The strongest blind category at or above its threshold for one photo ((1000,) logits), or None."""
    ev = blind_evidence(np.asarray(imagenet_logits)[None])[0]
    hits = [(float(ev[i]), code) for i, code in enumerate(BLIND) if ev[i] >= minimum.get(code, 1.0)]
    if not hits:
        return None
    strength, code = max(hits)
    return code, strength


def add_choice(category_probs: dict[str, float], code: str, strength: float) -> dict[str, float] | None:
    """Give `code` a share that puts it among the offered choices but below the head's top category,
    or None when it already is the top category or the top category's family question asks it.

    The others are scaled down by the same factor, so their order and the top answer do not change.
    """
    own = category_probs.get(code, 0.0)
    others = sorted(((p, c) for c, p in category_probs.items() if c != code), reverse=True)
    (top, top_code), second = others[0], (others[1][0] if len(others) > 1 else 0.0)
    if own >= top or ASKED_BY_FAMILY.get(code) == top_code:
        return None
    # own*(1-a) + a must beat the runner-up's second*(1-a) and stay under the top's top*(1-a).
    floor = max(ADDED_MIN, (second - own) / (1 + second - own) + 1e-3)
    cap = (top - own) / (1 + top - own) - 1e-3
    share = max(0.0, min(max(strength, floor), cap))
    out = {c: p * (1 - share) for c, p in category_probs.items()}
    out[code] = own * (1 - share) + share
    return out
