"""On-device classifier: decode -> preprocess -> ONNX features -> numpy head -> Prediction."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from vision.decode import load_image
from vision.features import ASSETS_DIR, FeatureExtractor
from vision.head import HEAD_NAME, Head
from vision.labels import CATEGORY_CODES, LABELS
from vision.preprocess import to_model_input
from vision.types import Prediction

PROVIDER = "on_device"


def _view_params(view: str) -> tuple[str, bool]:
    mode, _, flip = view.partition("_")
    return mode, flip == "flip"


class OnDeviceClassifier:
    """Thread-safe; the ONNX session and head load on first use, never at import."""

    def __init__(
        self, assets_dir: Path | None = None, threads: int = 1, *, threshold: float | None = None
    ) -> None:
        self.assets_dir = Path(assets_dir) if assets_dir else ASSETS_DIR
        self.threads = threads
        self.threshold = threshold  # None: use the threshold stored in head.npz (a settings override)
        self._extractor = FeatureExtractor(self.assets_dir / "effnet_lite0_features.onnx", threads=threads)
        self._head: Head | None = None
        self._lock = threading.Lock()

    @property
    def head(self) -> Head:
        if self._head is None:
            with self._lock:
                if self._head is None:
                    self._head = Head.load(self.assets_dir / HEAD_NAME)
        return self._head

    @property
    def model_version(self) -> str:
        return self.head.version

    def classify(self, data: bytes) -> Prediction:
        return self.classify_batch([data])[0]

    def classify_batch(self, images: list[bytes]) -> list[Prediction]:
        """Classify several photos in one model call. Raises ImageRejected for the first bad one."""
        if not images:
            return []
        head = self.head
        decoded = [load_image(data) for data in images]
        base = self._logits(decoded, head.view)
        logits = head.combine(base, lambda rows: self._logits([decoded[i] for i in rows], head.tta_view))
        probs = head.probs(logits)
        threshold = head.threshold if self.threshold is None else self.threshold
        return [
            prediction_from_label_probs(
                dict(zip(head.labels, p.tolist(), strict=True)), threshold=threshold, model=head.version
            )
            for p in probs
        ]

    def _logits(self, images: list, view: str | None) -> np.ndarray:
        mode, flip = _view_params(view or "squash")
        pixels = np.stack([to_model_input(img, mode=mode, flip=flip) for img in images])
        return self.head.logits(self._extractor(pixels))


def prediction_from_label_probs(
    label_probs: dict[str, float], *, threshold: float, model: str, provider: str = PROVIDER
) -> Prediction:
    """Collapse label probabilities onto category codes; the decision is made at category level
    because that is what the user acts on (paper and cardboard share one bin)."""
    cat_probs = dict.fromkeys(CATEGORY_CODES, 0.0)
    for label, p in label_probs.items():
        cat_probs[LABELS[label].category] += float(p)
    ranked = sorted(cat_probs.items(), key=lambda kv: kv[1], reverse=True)
    category, confidence = ranked[0]
    # The item description comes from the most likely label inside the winning category.
    label = max((lb for lb in label_probs if LABELS[lb].category == category), key=label_probs.__getitem__)
    info = LABELS[label]
    return Prediction(
        label=label,
        category=category,
        item=info.item,
        item_ko=info.item_ko,
        material=info.material,
        confidence=round(confidence, 6),
        alternatives=tuple((c, round(p, 6)) for c, p in ranked[:3]),
        needs_confirmation=confidence < threshold,
        provider=provider,
        model=model,
        flags={},
        category_probs={c: round(p, 6) for c, p in cat_probs.items()},
    )
