"""Load test: the locust scenario (bench/locustfile.py) against `wastecoach up` on loopback.

Bounded: USERS simulated users for DURATION, then it stops by itself and prints per-route
throughput and latency percentiles.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import machine

USERS = int(os.environ.get("LOAD_USERS", "20"))
DURATION = os.environ.get("LOAD_DURATION", "60s")
REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    data = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "WASTECOACH_DATA_DIR": str(data / "data"),
        "WASTECOACH_LOG_LEVEL": "WARNING",
        "WASTECOACH_SCAN_RATE_PER_MINUTE": "100000",
    }
    up = subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "up", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        url = up.stdout.readline().split("up: ", 1)[1].split()[0]
        prefix = data / "locust"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(REPO / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(max(1, USERS // 5)),
                "-t",
                DURATION,
                "--host",
                url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            check=False,
            cwd=REPO,
            env={
                **os.environ,
                "WASTECOACH_BENCH_PHOTOS": str(REPO.parent / "shared" / "datasets" / "trashnet"),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
        errors = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(30)
    print(f"# load: {USERS} users for {DURATION} against wastecoach up — {machine()}")
    print(f"{'route':<36} {'reqs':>6} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in rows:
        # Locust 2.2x calls the column "Method", later releases "Type"; some names carry it already.
        method = row.get("Type") or row.get("Method") or ""
        label = row["Name"] if row["Name"].startswith(method) else f"{method} {row['Name']}"
        print(
            f"{label:<36} "
            f"{row['Request Count']:>6} {row['Failure Count']:>5} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    for error in errors:
        print(f"failure: {error['Name']} {error['Error']} x{error['Occurrences']}")
    server_errors = sum(int(e["Occurrences"]) for e in errors if "HTTPError('5" in e["Error"])
    print(f"5xx answers: {server_errors}")
    failures = sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
