"""Listing the labelled photo folders (training/evaluation only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vision.labels import DATASET_LABEL_MAP

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


@dataclass(frozen=True)
class Sample:
    path: Path
    dataset: str  # folder name of the data set, e.g. "trashnet"
    source_class: str  # class folder inside it
    label: str  # project label

    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.source_class}/{self.path.name}"


def list_samples(dataset_dirs: list[str | Path]) -> list[Sample]:
    """All images under each `<dataset>/<class>/` folder, mapped to project labels, in a stable order."""
    samples: list[Sample] = []
    for d in dataset_dirs:
        root = Path(d)
        mapping = DATASET_LABEL_MAP.get(root.name)
        if mapping is None:
            raise ValueError(f"unknown data set {root.name!r}; known: {sorted(DATASET_LABEL_MAP)}")
        if not root.is_dir():
            raise FileNotFoundError(root)
        for cls in sorted(mapping):
            for p in sorted((root / cls).iterdir()):
                if p.suffix.lower() in IMAGE_SUFFIXES:
                    samples.append(Sample(p, root.name, cls, mapping[cls]))
    return samples
