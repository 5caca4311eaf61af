"""The small classification head over the 1280-d features: numpy-only inference, .npz storage."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vision.labels import LABELS

HEAD_NAME = "head.npz"


@dataclass
class Head:
    labels: list[str]
    kind: str  # "linear" (W, b) or "mlp" (W1, b1, W2, b2; ReLU hidden layer)
    weights: dict[str, np.ndarray]
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray
    temperature: float = 1.0
    threshold: float = 0.6  # confidence below this -> needs_confirmation
    version: str = "effnet-lite0+head-v1"
    onnx: str = "effnet_lite0_features.onnx"  # the feature extractor this head was trained on
    view: str = "squash"  # preprocessing view every photo gets
    # Conditional test-time augmentation: only photos whose calibrated category confidence is below
    # `tta_below` also run `tta_view`, and the two logits are averaged. Most photos are confident, so
    # the median latency stays one model run while the unsure ones get the accuracy of two.
    tta_view: str | None = "squash_flip"
    tta_below: float = 0.8
    # ImageNet evidence for a blind category at least this strong adds it as a choice (vision.evidence);
    # a category missing here never does.
    evidence_min: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  # training facts for the model card (split seed, scores ...)

    def logits(self, features: np.ndarray) -> np.ndarray:
        """(N, 1280) -> (N, n_labels) raw logits."""
        x = (np.asarray(features, dtype=np.float32) - self.mean) / self.scale
        w = self.weights
        if self.kind == "linear":
            return x @ w["W"] + w["b"]
        if self.kind == "mlp":
            h = np.maximum(x @ w["W1"] + w["b1"], 0.0)
            return h @ w["W2"] + w["b2"]
        raise ValueError(f"unknown head kind {self.kind!r}")

    def probs(self, logits: np.ndarray, temperature: float | None = None) -> np.ndarray:
        return softmax(logits / (self.temperature if temperature is None else temperature))

    def category_confidence(self, probs: np.ndarray) -> np.ndarray:
        """Highest per-category probability (labels sharing a category are summed)."""
        cats = np.array([LABELS[lb].category for lb in self.labels])
        return np.stack([probs[:, cats == c].sum(1) for c in sorted(set(cats.tolist()))], axis=1).max(1)

    def tta_rows(self, base_logits: np.ndarray, temperature: float | None = None) -> np.ndarray:
        """Indices of the rows that should also run the TTA view."""
        if not self.tta_view or self.tta_below <= 0:
            return np.zeros(0, dtype=int)
        conf = self.category_confidence(self.probs(base_logits, temperature))
        return np.nonzero(conf < self.tta_below)[0]

    def combine(
        self,
        base_logits: np.ndarray,
        extra_logits: Callable[[np.ndarray], np.ndarray],
        temperature: float | None = None,
    ) -> np.ndarray:
        """Final logits: base view, averaged with the TTA view where `extra_logits(rows)` was needed."""
        out = base_logits.copy()
        rows = self.tta_rows(base_logits, temperature)
        if len(rows):
            out[rows] = (base_logits[rows] + extra_logits(rows)) / 2
        return out

    def save(self, path: Path) -> None:
        arrays = {f"w_{k}": v.astype(np.float32) for k, v in self.weights.items()}
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            kind=np.array(self.kind),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            temperature=np.array(self.temperature, dtype=np.float64),
            threshold=np.array(self.threshold, dtype=np.float64),
            version=np.array(self.version),
            onnx=np.array(self.onnx),
            evidence_min=np.array(json.dumps(self.evidence_min, sort_keys=True)),
            view=np.array(self.view),
            tta_view=np.array(self.tta_view or ""),
            tta_below=np.array(self.tta_below, dtype=np.float64),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
            **arrays,
        )

    @classmethod
    def load(cls, path: Path) -> Head:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                labels=[str(s) for s in z["labels"]],
                kind=str(z["kind"]),
                weights={k[2:]: z[k] for k in z.files if k.startswith("w_")},
                mean=z["mean"],
                scale=z["scale"],
                temperature=float(z["temperature"]),
                threshold=float(z["threshold"]),
                version=str(z["version"]),
                onnx=str(z["onnx"]) if "onnx" in z.files else cls.onnx,
                evidence_min=json.loads(str(z["evidence_min"])) if "evidence_min" in z.files else {},
                view=str(z["view"]),
                tta_view=str(z["tta_view"]) or None,
                tta_below=float(z["tta_below"]),
                meta=json.loads(str(z["meta"])),
            )


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
