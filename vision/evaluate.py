"""Honest evaluation of the committed head on the content-deduplicated test split (dev only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vision.calibration import expected_calibration_error
from vision.classifier import prediction_from_label_probs
from vision.evidence import strongest
from vision.features import ASSETS_DIR
from vision.head import HEAD_NAME, Head
from vision.labels import LABELS
from vision.train import Prepared, prepare, view_logits


@dataclass
class EvalReport:
    labels: list[str]
    n_test: int
    accuracy: float  # over project labels
    category_accuracy: float  # over disposal category codes (what the user acts on)
    recall: dict[str, float]
    confusion: list[list[int]]  # rows = true label, columns = predicted label
    accuracy_by_dataset: dict[str, float]
    temperature: float
    ece_raw: float  # category-level expected calibration error before temperature scaling
    ece_calibrated: float
    needs_confirmation_rate: float
    accuracy_when_confident: float  # accuracy on the answers that need no confirmation
    model: str
    # ImageNet evidence on these known-label photos: how often it adds a blind choice (each one a
    # needless question), and the category accuracy with it (must equal `category_accuracy`).
    evidence_rate: float = 0.0
    evidence_accuracy: float = 0.0
    evidence_added: dict[str, int] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def format(self) -> str:
        w = max(len(lb) for lb in self.labels)
        lines = [
            f"model {self.model}: test split (content-deduplicated), n={self.n_test}",
            f"accuracy (project labels): {self.accuracy:.4f}",
            f"accuracy (disposal categories): {self.category_accuracy:.4f}",
            "accuracy by data set: " + ", ".join(f"{k} {v:.4f}" for k, v in self.accuracy_by_dataset.items()),
            f"calibration: T={self.temperature:.3f}, ECE {self.ece_raw:.4f} -> {self.ece_calibrated:.4f}",
            f"needs_confirmation: {self.needs_confirmation_rate:.1%} of photos; "
            f"accuracy on the rest {self.accuracy_when_confident:.4f}",
            f"ImageNet evidence: adds a blind choice on {self.evidence_rate:.1%} of these photos "
            f"{self.evidence_added}; category accuracy with it {self.evidence_accuracy:.4f}",
            "per-class recall:",
        ]
        lines += [f"  {lb:<{w}}  {self.recall[lb]:.3f}" for lb in self.labels]
        short = [lb[:6] for lb in self.labels]
        lines.append("confusion matrix (rows true, columns predicted):")
        lines.append(" " * (w + 2) + " ".join(f"{s:>6}" for s in short))
        for lb, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"  {lb:<{w}}" + " ".join(f"{v:>6d}" for v in row))
        return "\n".join(lines)


def evaluate(
    dataset_dirs: list[str | Path], assets_dir: str | Path | None = None, *, prep: Prepared | None = None
) -> EvalReport:
    assets = Path(assets_dir or ASSETS_DIR)
    head = Head.load(assets / HEAD_NAME)
    prep = prep or prepare(
        dataset_dirs,
        seed=head.meta.get("split_seed", 13),
        dedup_threshold=head.meta.get("dedup_threshold", 4),
        onnx_path=assets / head.onnx,
    )
    if prep.labels != head.labels:
        raise ValueError(f"head labels {head.labels} do not match the data sets' labels {prep.labels}")
    te = prep.split == "test"
    logits = view_logits(head, prep, te)
    y = prep.y[te]
    pred = logits.argmax(1)
    n = len(head.labels)
    conf = np.zeros((n, n), dtype=int)
    np.add.at(conf, (y, pred), 1)
    cat = np.array([LABELS[lb].category for lb in head.labels])
    cat_correct = cat[pred] == cat[y]

    def cat_confidence(t: float) -> np.ndarray:
        p = head.probs(logits, temperature=t)
        cats = sorted(set(cat.tolist()))
        per_cat = np.stack([p[:, cat == c].sum(1) for c in cats], axis=1)
        return per_cat.max(1)

    cal = cat_confidence(head.temperature)
    # The classifier's own decision path, evidence included, on every test photo.
    with_evidence = [
        prediction_from_label_probs(
            dict(zip(head.labels, p.tolist(), strict=True)),
            threshold=head.threshold,
            model=head.version,
            evidence=strongest(lg, head.evidence_min),
        )
        for p, lg in zip(head.probs(logits), prep.imagenet_logits[te], strict=True)
    ]
    added: dict[str, int] = {}
    for p in with_evidence:
        for code in p.evidence:
            added[code] = added.get(code, 0) + 1
    confident = cal >= head.threshold
    datasets = np.array([s.dataset for s in prep.samples])[te]
    return EvalReport(
        labels=head.labels,
        n_test=int(te.sum()),
        accuracy=float((pred == y).mean()),
        category_accuracy=float(cat_correct.mean()),
        recall={lb: float(conf[i, i] / max(conf[i].sum(), 1)) for i, lb in enumerate(head.labels)},
        confusion=conf.tolist(),
        accuracy_by_dataset={
            d: float((pred[datasets == d] == y[datasets == d]).mean()) for d in sorted(set(datasets))
        },
        temperature=head.temperature,
        ece_raw=expected_calibration_error(cat_confidence(1.0), cat_correct),
        ece_calibrated=expected_calibration_error(cal, cat_correct),
        needs_confirmation_rate=float((~confident).mean()),
        accuracy_when_confident=float(cat_correct[confident].mean()) if confident.any() else float("nan"),
        model=head.version,
        evidence_rate=float(np.mean([bool(p.evidence) for p in with_evidence])),
        evidence_accuracy=float(
            np.mean([p.category == c for p, c in zip(with_evidence, cat[y], strict=True)])
        ),
        evidence_added=dict(sorted(added.items())),
    )
