"""Queue benchmarks on the real RabbitMQ.

1. Sustained scans/s with 1, 2 and 4 `wastecoach consume q.ai` processes (real stack, 100-scan
   bursts from 8 concurrent clients); baseline: one consumer. Target ≥ 50 scans/s. Prints the CPU
   each process group spent per scan, which says where the ceiling is.
2. q.ai wait time (published → handler start) p99 alone vs under a 10 000-message q.batch flood
   handled by the same worker; target: ratio < 2×.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import cpu_seconds_by_process, line, machine, nproc, summary
from bench.scan import PHOTOS, drop, real_stack_settings
from consumers.rabbit_runner import build_broker
from mesh.jobs import JobContext
from mesh.rabbit import RabbitPublisher, declare_all, make_broker
from wastecoach.runner import Mesh

BURST = int(os.environ.get("BENCH_BURST", "100"))
SUBMITTERS = int(os.environ.get("BENCH_SUBMITTERS", "8"))
FLOOD = int(os.environ.get("BENCH_FLOOD", "10000"))
REPO = Path(__file__).resolve().parents[1]


def consumer(mesh: Mesh) -> subprocess.Popen:
    w = mesh.wired
    env = {
        **os.environ,
        "WASTECOACH_RABBIT_URL": w.rabbit_url,
        "WASTECOACH_DATA_DIR": str(w.data_dir),  # where the mesh keeps its identity key
        "WASTECOACH_WASTE_ADDR": w.waste_addr,
        "WASTECOACH_COACH_ADDR": w.coach_addr,
        "WASTECOACH_LOCATIONS_ADDR": w.locations_addr,
        "WASTECOACH_USERS_ADDR": w.users_addr,
        "WASTECOACH_LOG_LEVEL": "WARNING",
        "WASTECOACH_VISION_THREADS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "consume", "q.ai"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def burst(mesh: Mesh, n: int) -> tuple[float, list[float]]:
    """`n` scans from SUBMITTERS concurrent clients (phones do not queue behind each other);
    completion is read from the scan list, one request per poll, so polling does not load the edge."""
    async with httpx.AsyncClient(base_url=mesh.url, timeout=120) as http:
        token = (await http.post("/api/v1/auth/dev/login", json={"nickname": "tp"})).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        images = [PHOTOS[i % len(PHOTOS)].read_bytes() for i in range(n)]
        start = time.perf_counter()
        submitted: dict[str, float] = {}

        async def submitter() -> None:
            while images:
                data = images.pop()
                at = time.perf_counter()
                reply = await http.post(
                    "/api/v1/scans", headers=headers, files={"image": ("p.jpg", data, "image/jpeg")}
                )
                submitted[reply.json()["scan_id"]] = at

        await asyncio.gather(*(submitter() for _ in range(SUBMITTERS)))
        latencies = []
        pending = dict(submitted)
        while pending:
            seen = time.perf_counter()
            for scan in await _all_scans(http, headers):
                if scan["scan_id"] in pending and scan["status"] in ("done", "failed"):
                    latencies.append(seen - pending.pop(scan["scan_id"]))
            await asyncio.sleep(0.05)
        return n / (time.perf_counter() - start), latencies


async def _all_scans(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict]:
    scans, cursor = [], ""
    while True:
        page = (
            await http.get("/api/v1/scans", params={"limit": 100, "cursor": cursor}, headers=headers)
        ).json()
        scans += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return scans


async def throughput(tmp: Path) -> None:
    print(f"# sustained scans/s through RabbitMQ (bursts of {BURST}) — {machine()}")
    baseline = None
    for k in (1, 2, 4):
        settings, db, vhost = await real_stack_settings(tmp / f"tp{k}")
        mesh = Mesh(settings, run_consumers=False)
        await mesh.start(port=0)
        procs = [consumer(mesh) for _ in range(k)]
        try:
            await asyncio.sleep(3)  # consumers load the model
            await burst(mesh, 4)  # warm-up
            before = cpu_seconds_by_process()
            rate, latencies = await burst(mesh, BURST)
            spent = {name: cpu - before.get(name, 0.0) for name, cpu in cpu_seconds_by_process().items()}
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(30)
            await mesh.stop()
            await drop(db, vhost)
        baseline = baseline or rate
        print(line(f"{k} consumer(s): {rate:6.1f} scans/s (x{rate / baseline:.2f})", summary(latencies)))
        print(
            "   CPU ms per scan: "
            + ", ".join(f"{name} {1000 * cpu / BURST:.1f}" for name, cpu in sorted(spent.items()) if cpu > 0)
        )
    print(f"target ≥ 50 scans/s ({nproc()} CPUs here)")


async def priority_flood(tmp: Path) -> None:
    settings, db, vhost = await real_stack_settings(tmp / "flood")
    url = settings.rabbit_url
    waits: list[float] = []

    async def work(body: dict, ctx: JobContext) -> None:
        if ctx.queue == "q.ai":
            waits.append(time.time() - body["at"])
        sum(i * i for i in range(20_000))  # ~1-2 ms of CPU, like a small job

    producer = make_broker(url, middlewares=())
    await producer.start()
    await declare_all(producer)
    publisher = RabbitPublisher(producer)
    worker = build_broker(url, {"q.ai": work, "q.batch": work}, prefetch=4, middlewares=())
    await worker.start()

    async def measure() -> dict[str, float]:
        waits.clear()
        for _ in range(200):
            await publisher.publish("q.ai", {"at": time.time()})
            await asyncio.sleep(0.02)
        while len(waits) < 200:
            await asyncio.sleep(0.05)
        return summary(waits)

    try:
        alone = await measure()
        for _ in range(FLOOD):
            await publisher.publish("q.batch", {"at": time.time()})
        flooded = await measure()
    finally:
        await worker.stop()
        await producer.stop()
        await drop(db, vhost)
    print(f"# q.ai wait (publish → handler) alone vs under a {FLOOD}-message q.batch flood — {machine()}")
    print(line("q.ai alone (baseline)", alone))
    print(line("q.ai under q.batch flood", flooded))
    ratio = flooded["p99_ms"] / alone["p99_ms"]
    print(f"p99 ratio {ratio:.2f}x (target < 2x: {'met' if ratio < 2 else 'NOT met'})")


async def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    await priority_flood(tmp)
    await throughput(tmp)


if __name__ == "__main__":
    asyncio.run(main())
