"""Feature + hash extraction over the data sets, cached to .npz (training/evaluation only).

Extracting 6000 photos costs minutes on a small CPU; training and evaluation re-use the cache,
which is keyed by the data-set-relative file name and the ONNX file's size so a new extractor
invalidates it.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from vision.datasets import Sample
from vision.decode import load_image
from vision.dedup import dihedral_phashes
from vision.features import FeatureExtractor
from vision.preprocess import to_model_input

# (crop mode, horizontal flip) per cached view; view 0 is what inference uses without TTA.
VIEWS: tuple[tuple[str, bool], ...] = (
    ("squash", False),
    ("squash", True),
    ("center", False),
    ("center", True),
)
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "wastecoach_vision_features.npz"


def _fingerprint(extractor: FeatureExtractor) -> str:
    return f"{extractor.onnx_path.stat().st_size}:{len(VIEWS)}"


def extract_all(
    samples: list[Sample],
    cache_path: Path | None = None,
    *,
    threads: int = 2,
    batch: int = 32,
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Features (N, views, 1280) float32 and dihedral hashes (N, 8) uint64 for the samples."""
    cache_path = Path(cache_path or os.environ.get("WASTECOACH_VISION_CACHE", DEFAULT_CACHE))
    extractor = FeatureExtractor(threads=threads)
    fp = _fingerprint(extractor)
    cached: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if cache_path.exists():
        with np.load(cache_path, allow_pickle=False) as z:
            if str(z["fingerprint"]) == fp:
                cached = {
                    k: (f, h) for k, f, h in zip(z["keys"].tolist(), z["features"], z["hashes"], strict=True)
                }
    todo = [s for s in samples if s.key not in cached]
    t0 = time.perf_counter()
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        inputs, hashes = [], []
        for s in chunk:
            img = load_image(s.path.read_bytes())
            hashes.append(dihedral_phashes(img))
            inputs.extend(to_model_input(img, mode=m, flip=f) for m, f in VIEWS)
        feats = extractor(np.stack(inputs)).reshape(len(chunk), len(VIEWS), -1)
        for s, f, h in zip(chunk, feats, hashes, strict=True):
            cached[s.key] = (f.astype(np.float32), h)
        if verbose and (start // batch) % 10 == 0:
            done = start + len(chunk)
            print(f"  features {done}/{len(todo)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    if todo:
        keys = sorted(cached)
        tmp = cache_path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            fingerprint=np.array(fp),
            keys=np.array(keys),
            features=np.stack([cached[k][0] for k in keys]),
            hashes=np.stack([cached[k][1] for k in keys]),
        )
        tmp.replace(cache_path)
    return (
        np.stack([cached[s.key][0] for s in samples]),
        np.stack([cached[s.key][1] for s in samples]),
    )
