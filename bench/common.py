"""Shared helpers for the benchmarks: percentiles and a uniform printout."""

from __future__ import annotations

import platform
import statistics
from collections.abc import Sequence


def pct(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(samples_s: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {"p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99), "mean_ms": statistics.fmean(ms), "n": len(ms)}


def machine() -> str:
    return f"{platform.node()} {platform.machine()} python{platform.python_version()}"


def line(label: str, stats: dict[str, float]) -> str:
    return f"{label:<40} p50 {stats['p50_ms']:8.3f} ms   p99 {stats['p99_ms']:8.3f} ms   (n={stats['n']})"
