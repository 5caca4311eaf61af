"""Shared helpers for the benchmarks: percentiles and a uniform printout."""

from __future__ import annotations

import os
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


def nproc() -> int:
    return os.cpu_count() or 1


# Which process group a command line belongs to, for CPU accounting (first match wins).
_GROUPS = (
    ("wastecoach consume", "consumers"),
    ("wastecoach serve edge", "edge"),
    *(
        (f"wastecoach serve {name}", f"svc_{name}")
        for name in ("auth", "users", "waste", "coach", "locations")
    ),
    ("postgres", "postgres"),
    ("beam", "rabbitmq"),
    ("redis-server", "redis"),
)


def cpu_seconds_by_process() -> dict[str, float]:
    """CPU seconds (user + system) so far per process group, from /proc (Linux; empty elsewhere).
    "this process" is the benchmark itself: the edge and services of the one-process Mesh."""
    spent: dict[str, float] = {}
    if not os.path.isdir("/proc"):
        return spent
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read().replace("\0", " ")
        except OSError:  # the process ended while we looked
            continue
        if int(pid) == os.getpid():
            name = "this process"
        else:
            name = next((group for needle, group in _GROUPS if needle in command), "")
        if name:
            spent[name] = spent.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return spent
