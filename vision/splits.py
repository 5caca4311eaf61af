"""Train/val/test split by near-duplicate group, stratified by label (training/evaluation only)."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

SPLITS = ("train", "val", "test")


def split_by_group(
    groups: np.ndarray, labels: list[str], *, seed: int = 13, fractions: tuple[float, float] = (0.7, 0.15)
) -> np.ndarray:
    """Assign whole groups to train/val/test (array of split names), per majority label of the group.

    Within each label the groups are shuffled and dealt out until each split holds its share of
    images, so no near-duplicate ever crosses splits and every label appears in every split.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[int(g)].append(i)
    by_label: dict[str, list[int]] = defaultdict(list)
    for g, idx in members.items():
        major = Counter(labels[i] for i in idx).most_common(1)[0][0]
        by_label[major].append(g)
    rng = np.random.default_rng(seed)
    out = np.empty(len(groups), dtype=object)
    for label in sorted(by_label):
        gs = sorted(by_label[label])
        rng.shuffle(gs)
        total = sum(len(members[g]) for g in gs)
        bounds = (fractions[0] * total, (fractions[0] + fractions[1]) * total)
        seen = 0
        for g in gs:
            split = "train" if seen < bounds[0] else "val" if seen < bounds[1] else "test"
            for i in members[g]:
                out[i] = split
            seen += len(members[g])
    return out.astype(str)
