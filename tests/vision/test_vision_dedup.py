"""Content hashing groups flipped/rotated/resized copies; splits never separate a group."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from vision_images import photo

from vision.dedup import dihedral_phashes, group_near_duplicates
from vision.splits import split_by_group


def test_flips_rotations_and_resizes_land_in_one_group() -> None:
    base = photo(384, 288, seed=1)
    copies = [
        base,
        base.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        base.transpose(Image.Transpose.ROTATE_90),
        base.transpose(Image.Transpose.ROTATE_270).transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        base.resize((192, 144)),
    ]
    others = [photo(384, 288, seed=s) for s in range(2, 8)]
    hashes = np.stack([dihedral_phashes(im) for im in copies + others])
    groups = group_near_duplicates(hashes, threshold=4)
    assert len(set(groups[: len(copies)].tolist())) == 1
    assert len(set(groups.tolist())) == 1 + len(others)


def test_split_keeps_groups_whole_and_covers_every_label() -> None:
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 300, 1000)
    labels = [("a", "b", "c")[g % 3] for g in groups]
    split = split_by_group(groups, labels, seed=3)
    for g in np.unique(groups):
        assert len(set(split[groups == g].tolist())) == 1
    for lb in "abc":
        assert {s for s, l2 in zip(split, labels, strict=True) if l2 == lb} == {"train", "val", "test"}
    share = {s: float((split == s).mean()) for s in ("train", "val", "test")}
    assert share["train"] == pytest.approx(0.7, abs=0.05) and share["test"] == pytest.approx(0.15, abs=0.05)


def test_cli_parses_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from vision.cli import main

    for cmd in (["export", "--help"], ["train", "--help"], ["eval", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(cmd)
        assert info.value.code == 0
    assert "datasets" in capsys.readouterr().out
