"""Feature + hash extraction over the data sets, cached to .npz (training/evaluation only).

Extracting 6000 photos costs minutes on a small CPU; training and evaluation re-use the cache,
which is keyed by the data-set-relative file name and the ONNX file's size so a new extractor
invalidates it. Each backbone gets its own cache file, so heads on several backbones can be
compared on the same photos. Extraction saves every few batches and resumes where it stopped.
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
SAVE_EVERY = 40  # batches between checkpoints of a long extraction


def default_cache(onnx_path: Path) -> Path:
    if "WASTECOACH_VISION_CACHE" in os.environ:
        return Path(os.environ["WASTECOACH_VISION_CACHE"])
    return Path(tempfile.gettempdir()) / f"wastecoach_vision_{onnx_path.stem}.npz"


def _fingerprint(extractor: FeatureExtractor) -> str:
    side = extractor.image_size  # caches from before other sizes existed are 224 and say nothing
    return f"{extractor.onnx_path.stat().st_size}:{len(VIEWS)}" + (f":{side}" if side != 224 else "")


def extract_all(
    samples: list[Sample],
    cache_path: Path | None = None,
    *,
    onnx_path: Path | None = None,
    threads: int = 2,
    batch: int = 32,
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (N, views, D) float32, dihedral hashes (N, 8) uint64 and the base view's ImageNet
    logits (N, 1000) float16 for the samples."""
    extractor = FeatureExtractor(onnx_path, threads=threads)
    cache_path = Path(cache_path or default_cache(extractor.onnx_path))
    fp = _fingerprint(extractor)
    cached: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    if cache_path.exists():
        with np.load(cache_path, allow_pickle=False) as z:
            if str(z["fingerprint"]) == fp and "logits" in z.files:
                cached = {
                    k: (f, h, lg)
                    for k, f, h, lg in zip(
                        z["keys"].tolist(), z["features"], z["hashes"], z["logits"], strict=True
                    )
                }
    todo = [s for s in samples if s.key not in cached]
    t0 = time.perf_counter()
    for n_batch, start in enumerate(range(0, len(todo), batch)):
        chunk = todo[start : start + batch]
        inputs, hashes = [], []
        for s in chunk:
            img = load_image(s.path.read_bytes())
            hashes.append(dihedral_phashes(img))
            size = extractor.image_size
            inputs.extend(to_model_input(img, mode=m, flip=f, size=size) for m, f in VIEWS)
        feats, logits = extractor.run(np.stack(inputs))
        if logits is None:
            raise ValueError(f"{extractor.onnx_path} has no ImageNet logits: re-export it")
        feats = feats.reshape(len(chunk), len(VIEWS), -1)
        logits = logits.reshape(len(chunk), len(VIEWS), -1)[:, 0]
        for s, f, h, lg in zip(chunk, feats, hashes, logits, strict=True):
            cached[s.key] = (f.astype(np.float32), h, lg.astype(np.float16))
        if verbose and n_batch % 10 == 0:
            done = start + len(chunk)
            print(f"  features {done}/{len(todo)} ({time.perf_counter() - t0:.0f} s)", flush=True)
        if n_batch % SAVE_EVERY == SAVE_EVERY - 1:
            _save(cache_path, fp, cached)
    if todo:
        _save(cache_path, fp, cached)
    return (
        np.stack([cached[s.key][0] for s in samples]),
        np.stack([cached[s.key][1] for s in samples]),
        np.stack([cached[s.key][2] for s in samples]),
    )


def _save(cache_path: Path, fp: str, cached: dict) -> None:
    keys = sorted(cached)
    tmp = cache_path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        fingerprint=np.array(fp),
        keys=np.array(keys),
        features=np.stack([cached[k][0] for k in keys]),
        hashes=np.stack([cached[k][1] for k in keys]),
        logits=np.stack([cached[k][2] for k in keys]),
    )
    tmp.replace(cache_path)
