"""Train the head over cached EfficientNet-Lite features (dev only: needs scikit-learn).

Pipeline: features + dihedral pHash per photo -> near-duplicate groups -> train/val/test by group
-> head on train (all cached views as augmentation) -> temperature and evidence threshold on val
-> head.npz.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vision.calibration import fit_temperature
from vision.datasets import Sample, list_samples
from vision.dedup import group_near_duplicates
from vision.evidence import EVIDENCE_FALSE_ALARMS, fit_evidence_min
from vision.featcache import VIEWS, extract_all
from vision.features import ASSETS_DIR, ONNX_NAME
from vision.head import HEAD_NAME, Head
from vision.labels import LABELS
from vision.splits import split_by_group

DEDUP_THRESHOLD = 4  # Hamming bits of 64; see MODEL_CARD.md for how it was chosen
SPLIT_SEED = 13
VIEW_NAMES = [f"{m}_flip" if f else m for m, f in VIEWS]
TTA_BELOW = 0.8  # chosen on the validation split, see MODEL_CARD.md
HEAD_VERSION = "head-v2"


def model_version(onnx_path: Path) -> str:
    """ "effnet_lite2_features.onnx" -> "effnet-lite2+head-v2"."""
    return f"{onnx_path.stem.removesuffix('_features').replace('_', '-')}+{HEAD_VERSION}"


@dataclass
class Prepared:
    samples: list[Sample]
    labels: list[str]  # project label list (head output order)
    y: np.ndarray  # label index per sample
    features: np.ndarray  # (N, views, 1280)
    groups: np.ndarray
    split: np.ndarray  # "train" | "val" | "test" per sample
    imagenet_logits: np.ndarray  # (N, 1000) of the base view: evidence for the blind categories
    onnx_path: Path

    def view_index(self, views: list[str]) -> list[int]:
        return [VIEW_NAMES.index(v) for v in views]


def prepare(
    dataset_dirs: list[str | Path],
    *,
    seed: int = SPLIT_SEED,
    dedup_threshold: int = DEDUP_THRESHOLD,
    onnx_path: Path | None = None,
) -> Prepared:
    onnx_path = Path(onnx_path or ASSETS_DIR / ONNX_NAME)
    samples = list_samples(dataset_dirs)
    features, hashes, imagenet_logits = extract_all(samples, onnx_path=onnx_path)
    labels = [lb for lb in LABELS if any(s.label == lb for s in samples)]
    y = np.array([labels.index(s.label) for s in samples])
    groups = group_near_duplicates(hashes, threshold=dedup_threshold, features=features[:, 0])
    split = split_by_group(groups, [s.label for s in samples], seed=seed)
    return Prepared(
        samples, labels, y, features, groups, split, imagenet_logits.astype(np.float32), onnx_path
    )


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    n_labels: int,
    *,
    kind: str = "linear",
    c: float = 0.5,
    balanced: bool = True,
) -> tuple[str, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Fit on (M, 1280) features -> (kind, weights, mean, scale)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xs = (x - mean) / scale
    weight = None
    if balanced:  # rare labels (trash, organic) would otherwise be swallowed by paper/glass
        counts = np.bincount(y, minlength=n_labels).astype(np.float64)
        weight = (len(y) / (n_labels * np.maximum(counts, 1)))[y]
    if kind == "linear":
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit(xs, y, sample_weight=weight)
        return kind, {"W": clf.coef_.T.copy(), "b": clf.intercept_.copy()}, mean, scale
    if kind == "mlp":
        w = _fit_mlp(xs, y, n_labels, weight, l2=c)
        return kind, w, mean, scale
    raise ValueError(kind)


def _fit_mlp(
    x: np.ndarray, y: np.ndarray, n: int, weight: np.ndarray | None, *, l2: float, hidden: int = 256
) -> dict[str, np.ndarray]:
    """One-hidden-layer MLP, full-batch Adam in numpy with dropout (small data, 2 CPU cores)."""
    rng = np.random.default_rng(0)
    d = x.shape[1]
    p = {
        "W1": rng.normal(0, np.sqrt(2 / d), (d, hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "W2": rng.normal(0, np.sqrt(1 / hidden), (hidden, n)).astype(np.float32),
        "b2": np.zeros(n, np.float32),
    }
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    sw = (weight if weight is not None else np.ones(len(y))).astype(np.float32)
    sw = sw / sw.sum()
    onehot = np.eye(n, dtype=np.float32)[y]
    x = x.astype(np.float32)
    lr, b1, b2 = 1e-3, 0.9, 0.999
    for t in range(1, 301):
        keep = (rng.random((len(x), hidden)) > 0.5).astype(np.float32) * 2.0
        z1 = x @ p["W1"] + p["b1"]
        h = np.maximum(z1, 0) * keep
        logits = h @ p["W2"] + p["b2"]
        prob = np.exp(logits - logits.max(1, keepdims=True))
        prob /= prob.sum(1, keepdims=True)
        g_logits = (prob - onehot) * sw[:, None]
        grads = {"W2": h.T @ g_logits + l2 * 1e-3 * p["W2"], "b2": g_logits.sum(0)}
        g_h = (g_logits @ p["W2"].T) * keep * (z1 > 0)
        grads["W1"] = x.T @ g_h + l2 * 1e-3 * p["W1"]
        grads["b1"] = g_h.sum(0)
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * grads[k]
            v2[k] = b2 * v2[k] + (1 - b2) * grads[k] ** 2
            p[k] -= lr * (m[k] / (1 - b1**t)) / (np.sqrt(v2[k] / (1 - b2**t)) + 1e-8)
    return p


def view_logits(head: Head, prep: Prepared, mask: np.ndarray, temperature: float | None = None) -> np.ndarray:
    """Logits exactly as the classifier computes them (base view + conditional TTA) from cached features."""
    feats = prep.features[mask]
    base = head.logits(feats[:, VIEW_NAMES.index(head.view)])
    if not head.tta_view:
        return base
    extra = feats[:, VIEW_NAMES.index(head.tta_view)]
    return head.combine(base, lambda rows: head.logits(extra[rows]), temperature)


def train(
    dataset_dirs: list[str | Path],
    out_dir: str | Path | None = None,
    *,
    kind: str = "linear",
    c: float = 0.2,
    train_views: list[str] | None = None,
    tta_below: float = TTA_BELOW,
    threshold: float = 0.6,
    refit: bool = True,
    prep: Prepared | None = None,
    onnx_path: Path | None = None,
) -> Head:
    """Train on the train split, calibrate on val, then (refit) retrain on train+val with the same
    settings and keep the temperature; write `<out_dir>/head.npz`. The test split is never used."""
    prep = prep or prepare(dataset_dirs, onnx_path=onnx_path)
    train_views = train_views or VIEW_NAMES

    def fit(mask: np.ndarray) -> Head:
        x = prep.features[mask][:, prep.view_index(train_views)].reshape(-1, prep.features.shape[-1])
        y = np.repeat(prep.y[mask], len(train_views))
        k, weights, mean, scale = fit_head(x, y, len(prep.labels), kind=kind, c=c)
        return Head(
            prep.labels,
            k,
            weights,
            mean,
            scale,
            threshold=threshold,
            version=model_version(prep.onnx_path),
            onnx=prep.onnx_path.name,
        )

    tr, va = prep.split == "train", prep.split == "val"
    head = fit(tr)
    head.tta_below = tta_below
    # Which photos get the second view depends on T, and T on the final logits: alternate twice.
    head.temperature = fit_temperature(
        head.logits(prep.features[va][:, VIEW_NAMES.index(head.view)]), prep.y[va]
    )
    for _ in range(2):
        head.temperature = fit_temperature(view_logits(head, prep, va), prep.y[va])
    val_logits = view_logits(head, prep, va)
    val_accuracy = float((val_logits.argmax(1) == prep.y[va]).mean())
    # Every validation photo shows one of the nine labels: evidence for a blind category there is a
    # false alarm, so the threshold bounds the questions it may add.
    head.evidence_min = fit_evidence_min(prep.imagenet_logits[va], EVIDENCE_FALSE_ALARMS)
    if refit:
        final = fit(tr | va)
        final.temperature, final.tta_below = head.temperature, head.tta_below
        final.evidence_min = head.evidence_min
        head = final
    head.meta = {
        "split_seed": SPLIT_SEED,
        "dedup_threshold": DEDUP_THRESHOLD,
        "datasets": sorted({s.dataset for s in prep.samples}),
        "n": {s: int((prep.split == s).sum()) for s in ("train", "val", "test")},
        "n_groups": len(set(prep.groups.tolist())),
        "train_views": train_views,
        "c": c,
        "val_accuracy": val_accuracy,
        "refit_on_train_val": refit,
        "tta_below": tta_below,
        "evidence_min": head.evidence_min,
        "backbone_onnx": prep.onnx_path.name,
    }
    out = Path(out_dir) if out_dir else ASSETS_DIR
    out.mkdir(parents=True, exist_ok=True)
    head.save(out / HEAD_NAME)
    return head
