"""Result and error types shared by the on-device and cloud vision providers (stable API)."""

from __future__ import annotations

from dataclasses import dataclass, field

FLAG_NAMES: tuple[str, ...] = ("residue", "label_attached", "cap_on", "mixed_materials", "broken")


@dataclass(frozen=True)
class Prediction:
    label: str  # project label, e.g. "cardboard"
    category: str  # disposal category code, e.g. "paper"
    item: str  # English item name
    item_ko: str  # Korean item name
    material: str  # e.g. "paper"
    confidence: float  # calibrated probability of `category`
    alternatives: tuple[tuple[str, float], ...]  # top-3 (category code, prob), best first
    needs_confirmation: bool
    provider: str  # "on_device" or "openai"
    model: str  # model version, e.g. "effnet-lite0+head-v1"
    flags: dict[str, bool] = field(default_factory=dict)  # empty on-device
    category_probs: dict[str, float] = field(default_factory=dict)  # full distribution over category codes
    # On-device only: a category the head cannot see that the backbone's ImageNet classes point to,
    # with their probability; it was added as a choice (and the scan marked unsure), never as the answer.
    evidence: dict[str, float] = field(default_factory=dict)


class ImageRejected(ValueError):
    """Input that is not a usable photo. `reason` is a short user-readable sentence, `code` a slug."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
