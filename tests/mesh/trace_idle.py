"""An idle system probed as k8s probes it, with an in-memory span exporter; prints the spans as JSON.

Run as its own process: tracer providers and instrumentation are process-global.
    python tests/mesh/trace_idle.py SECONDS PERIOD_S [REDIS_URL]
Every PERIOD_S: the edge's /healthz and /readyz (kubelet), grpc.health.v1 Check on every service
(kubelet's grpc probes), each service's readiness loop (as `wastecoach serve` runs it) and, with
Redis, the scheduler's claim of a period already claimed (what it does 29 ticks out of 30).
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mesh.component import watch_readiness
from mesh.settings import MeshSettings
from mesh.telemetry import setup_telemetry
from wastecoach import scheduler
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


async def main(seconds: float, period_s: float, redis_url: str | None = None) -> None:
    exporter = InMemorySpanExporter()
    provider = setup_telemetry("wastecoach-idle-test", exporter=exporter)
    data_dir = Path(tempfile.mkdtemp()) / "data"
    mesh = Mesh(Settings(mesh=MeshSettings(data_dir=data_dir, log_json=False, redis_url=redis_url)))
    await mesh.start(port=0)
    claim = None
    if redis_url:
        import redis.asyncio as redis

        claim = scheduler.redis_claim(redis.from_url(redis_url))
        await claim("idle-test", 600)
    # Start-up work (migrations, the first scheduled jobs and their data import) is not idle: wait it out.
    seen = -1
    for _ in range(60):
        provider.force_flush()
        if len(exporter.get_finished_spans()) == seen:
            break
        seen = len(exporter.get_finished_spans())
        await asyncio.sleep(1)
    exporter.clear()
    loops = [asyncio.create_task(watch_readiness(c, interval_s=period_s)) for c in mesh.components]
    channels = [grpc.aio.insecure_channel(f"127.0.0.1:{c.server.port}") for c in mesh.components]
    probes = 0
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=10) as http:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while loop.time() < deadline:
                assert (await http.get("/healthz")).status_code == 200
                assert (await http.get("/readyz")).status_code == 200
                for channel in channels:
                    reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
                    assert reply.status == health_pb2.HealthCheckResponse.SERVING
                if claim is not None:
                    assert not await claim("idle-test", 600)
                probes += 1
                await asyncio.sleep(period_s)
    finally:
        for task in loops:
            task.cancel()
        for channel in channels:
            await channel.close()
        provider.force_flush()
        spans = [
            {"name": s.name, "trace_id": f"{s.context.trace_id:032x}", "root": s.parent is None}
            for s in exporter.get_finished_spans()
        ]
        await mesh.stop()
    print(json.dumps({"seconds": seconds, "probe_rounds": probes, "spans": spans}))


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:4]))
