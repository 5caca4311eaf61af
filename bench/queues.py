"""Queue benchmarks on the real RabbitMQ.

1. Sustained scans/s with 1, 2 and 4 `wastecoach consume q.ai` processes, every service and the
   edge in a process of its own as the chart runs them (real stack, 100-scan bursts from 8
   concurrent clients); baseline: one consumer. Target ≥ 50 scans/s. Prints `server CPU per scan`
   (edge, services, consumers, PostgreSQL, RabbitMQ, Redis; not the load clients), which says
   where the ceiling is (target ≤ 30 ms).
2. q.ai wait time (published → handler start) p99 alone vs under a 10 000-message q.batch flood
   handled by the same worker; target: ratio < 2×.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.chart import burst, chart_like, server_cpu
from bench.common import cpu_seconds_by_process, line, machine, nproc, summary
from bench.scan import PHOTOS, drop, real_stack_settings
from consumers.rabbit_runner import build_broker
from mesh.jobs import JobContext
from mesh.rabbit import RabbitPublisher, declare_all, make_broker

BURST = int(os.environ.get("BENCH_BURST", "100"))
SUBMITTERS = int(os.environ.get("BENCH_SUBMITTERS", "8"))
FLOOD = int(os.environ.get("BENCH_FLOOD", "10000"))
CONSUMERS = tuple(int(k) for k in os.environ.get("BENCH_CONSUMERS", "1,2,4").split(","))
REPO = Path(__file__).resolve().parents[1]


async def throughput(tmp: Path) -> None:
    """As the chart runs it: services, edge and k consumers each in their own process."""
    print(
        f"# sustained scans/s through RabbitMQ, one process per component (bursts of {BURST}) — {machine()}"
    )
    baseline = None
    images = [PHOTOS[i % len(PHOTOS)].read_bytes() for i in range(BURST)]
    for k in CONSUMERS:
        settings, db, vhost = await real_stack_settings(tmp / f"tp{k}")
        try:
            async with chart_like(settings, consumers=k) as stack:
                url = stack.url
                await burst(url, settings.mesh.database_url, images[:8], SUBMITTERS)  # warm-up
                before = cpu_seconds_by_process()
                rate, latencies = await burst(url, settings.mesh.database_url, images, SUBMITTERS)
                after = cpu_seconds_by_process()
        finally:
            await drop(db, vhost)
        spent = server_cpu(before, after)
        clients = after.get("this process", 0.0) - before.get("this process", 0.0)
        baseline = baseline or rate
        print(line(f"{k} consumer(s): {rate:6.1f} scans/s (x{rate / baseline:.2f})", summary(latencies)))
        print(
            f"   server CPU per scan: {1000 * sum(spent.values()) / BURST:.1f} ms ("
            + ", ".join(f"{name} {1000 * cpu / BURST:.1f}" for name, cpu in spent.items())
            + f"); load clients {1000 * clients / BURST:.1f} ms, not counted"
        )
    print(f"targets: >= 50 scans/s, server CPU per scan <= 30 ms ({nproc()} CPUs here)")


async def priority_flood(tmp: Path) -> None:
    settings, db, vhost = await real_stack_settings(tmp / "flood")
    url = settings.mesh.rabbit_url
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
