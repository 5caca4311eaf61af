"""Benchmark the on-device vision path on real dataset photos (prints figures; not a test).

    python bench/vision.py [--n 200] [--threads 2] [--datasets ../shared/datasets]

Per-image latency = decode + preprocess + ONNX model + numpy head, as `OnDeviceClassifier.classify`
runs it. Baseline in the same run: the torch eager feature extractor on the same inputs when torch
is importable, else the single-image path (so batched throughput is compared against it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pick_photos(datasets: Path, n: int) -> list[bytes]:
    paths = sorted(p for p in datasets.glob("*/*/*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not paths:
        raise SystemExit(f"no photos under {datasets}")
    step = max(len(paths) // n, 1)
    return [p.read_bytes() for p in paths[::step][:n]]


def pct(ms: list[float], q: float) -> float:
    return float(np.percentile(np.array(ms), q))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    from vision.classifier import OnDeviceClassifier, _view_params
    from vision.decode import load_image
    from vision.preprocess import to_model_input

    photos = pick_photos(args.datasets, args.n)
    clf = OnDeviceClassifier(threads=args.threads)
    head = clf.head
    mode, flip = _view_params(head.view)
    size = clf._extractor.image_size  # the head loaded its extractor
    for data in photos[:5]:
        clf.classify(data)  # warm-up: session creation, allocator, caches

    # Per-image latency, with the stages timed separately on the same images.
    total, dec, pre, model, second = [], [], [], [], 0
    for data in photos:
        t0 = time.perf_counter()
        img = load_image(data)
        t1 = time.perf_counter()
        x = to_model_input(img, mode=mode, flip=flip, size=size)[None]
        t2 = time.perf_counter()
        logits = head.logits(clf._extractor(x))
        second += len(head.tta_rows(logits))
        t3 = time.perf_counter()
        clf.classify(data)
        t4 = time.perf_counter()
        dec.append((t1 - t0) * 1e3)
        pre.append((t2 - t1) * 1e3)
        model.append((t3 - t2) * 1e3)
        total.append((t4 - t3) * 1e3)

    print(f"on-device vision benchmark: {len(photos)} real photos, onnxruntime {args.threads} threads")
    # The build machines are shared: the load average tells whether the figures mean anything.
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min)")
    print(
        f"model {head.version}: view {head.view!r}; second view {head.tta_view!r} when confidence < "
        f"{head.tta_below} ({second / len(photos):.0%} of these photos)"
    )
    print(f"  per image  classify(): p50 {pct(total, 50):6.2f} ms   p99 {pct(total, 99):6.2f} ms")
    print(
        f"  stages p50: decode {pct(dec, 50):.2f} ms, preprocess {pct(pre, 50):.2f} ms, "
        f"model+head (one view) {pct(model, 50):.2f} ms"
    )

    throughput: dict[int, float] = {}
    for bs in (1, 8, 32):
        batches = [photos[i : i + bs] for i in range(0, len(photos) - bs + 1, bs)]
        t0 = time.perf_counter()
        for b in batches:
            clf.classify_batch(b)
        throughput[bs] = sum(len(b) for b in batches) / (time.perf_counter() - t0)
        print(f"  batch {bs:>2}: {throughput[bs]:7.1f} images/s")

    baseline_name, baseline_ms = None, None
    try:
        import torch

        from vision.export import build_feature_model

        torch.set_num_threads(args.threads)
        net = build_feature_model()
        ts = []
        with torch.inference_mode():
            for i, data in enumerate(photos[:60]):
                t0 = time.perf_counter()
                img = load_image(data)
                x = torch.from_numpy(to_model_input(img, mode=mode, flip=flip, size=size)[None])
                net(x)
                if i >= 5:
                    ts.append((time.perf_counter() - t0) * 1e3)
        baseline_name, baseline_ms = "torch eager extractor (same decode/preprocess, one view)", pct(ts, 50)
    except ImportError:
        baseline_name, baseline_ms = "single-image onnxruntime path", 1e3 / throughput[1]

    print(f"baseline: {baseline_name}: p50 {baseline_ms:.2f} ms/image")
    print(f"  speed-up of onnxruntime per-image p50 over baseline: {baseline_ms / pct(total, 50):.2f}x")
    for bs in (8, 32):
        speedup = baseline_ms / (1e3 / throughput[bs])
        print(f"  speed-up of batch {bs} throughput over baseline: {speedup:.2f}x")
    target = 15.0
    verdict = "meets" if pct(total, 50) <= target else "MISSES"
    print(f"target p50 <= {target:.0f} ms/image: {verdict} ({pct(total, 50):.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
