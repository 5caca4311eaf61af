"""On-device classifier: decode -> preprocess -> ONNX features -> numpy head -> Prediction."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from vision.decode import load_image
from vision.evidence import add_choice, strongest
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
        self._extractor: FeatureExtractor | None = None
        self._head: Head | None = None
        self._lock = threading.Lock()

    @property
    def head(self) -> Head:
        if self._head is None:
            with self._lock:
                if self._head is None:
                    head = Head.load(self.assets_dir / HEAD_NAME)
                    # The head names the extractor it was trained on.
                    self._extractor = FeatureExtractor(self.assets_dir / head.onnx, threads=self.threads)
                    self._head = head
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
        base, imagenet = self._logits(decoded, head.view)
        logits = head.combine(base, lambda rows: self._logits([decoded[i] for i in rows], head.tta_view)[0])
        probs = head.probs(logits)
        threshold = head.threshold if self.threshold is None else self.threshold
        return [
            prediction_from_label_probs(
                dict(zip(head.labels, p.tolist(), strict=True)),
                threshold=threshold,
                model=head.version,
                evidence=strongest(lg, head.evidence_min) if lg is not None else None,
            )
            for p, lg in zip(probs, imagenet if imagenet is not None else [None] * len(probs), strict=True)
        ]

    def _logits(self, images: list, view: str | None) -> tuple[np.ndarray, np.ndarray | None]:
        """Head logits and the backbone's ImageNet logits for one view of the images."""
        mode, flip = _view_params(view or "squash")
        assert self._extractor is not None  # set with the head
        size = self._extractor.image_size
        pixels = np.stack([to_model_input(img, mode=mode, flip=flip, size=size) for img in images])
        features, imagenet = self._extractor.run(pixels)
        return self.head.logits(features), imagenet


def prediction_from_label_probs(
    label_probs: dict[str, float],
    *,
    threshold: float,
    model: str,
    provider: str = PROVIDER,
    evidence: tuple[str, float] | None = None,
) -> Prediction:
    """Collapse label probabilities onto category codes; the decision is made at category level
    because that is what the user acts on (paper and cardboard share one bin).

    `evidence` (a blind category and its ImageNet probability) only adds that category as a choice and
    marks the answer unsure, so the coach asks; the top category stays the head's."""
    cat_probs = dict.fromkeys(CATEGORY_CODES, 0.0)
    for label, p in label_probs.items():
        cat_probs[LABELS[label].category] += float(p)
    added = add_choice(cat_probs, evidence[0], evidence[1]) if evidence else None
    if added is not None:
        cat_probs = added
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
        needs_confirmation=confidence < threshold or added is not None,
        provider=provider,
        model=model,
        flags={},
        category_probs={c: round(p, 6) for c, p in cat_probs.items()},
        evidence={evidence[0]: round(evidence[1], 6)} if added is not None and evidence else {},
    )
