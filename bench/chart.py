"""The system as the chart runs it, on this machine: each service, the edge and each consumer a
process of its own (`wastecoach serve …`, `wastecoach consume q.ai`) on PostgreSQL, Redis and
RabbitMQ. The load generator stays in the benchmark's process, so what the system spends is
measured apart from what the clients spend.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from wastecoach.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("auth", "users", "waste", "coach", "locations")
# The processes whose CPU is the system's (not the load generator's): see cpu_seconds_by_process.
SERVER_GROUPS = (
    "edge",
    *(f"svc_{name}" for name in SERVICES),
    "consumers",
    "postgres",
    "rabbitmq",
    "redis",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(settings: Settings, ports: dict[str, int], **extra: str) -> dict[str, str]:
    mesh = settings.mesh
    env = {k: v for k, v in os.environ.items() if not k.startswith("WASTECOACH_")}
    env.update(
        WASTECOACH_DATA_DIR=str(mesh.data_dir),
        WASTECOACH_DATABASE_URL=mesh.database_url or "",
        WASTECOACH_REDIS_URL=mesh.redis_url or "",
        WASTECOACH_RABBIT_URL=mesh.rabbit_url or "",
        WASTECOACH_LOG_LEVEL="WARNING",
        WASTECOACH_SCAN_RATE_PER_MINUTE="1000000",
        WASTECOACH_VISION_THREADS="1",
        WASTECOACH_GRPC_HOST="127.0.0.1",
        WASTECOACH_HTTP_HOST="127.0.0.1",
        **{f"WASTECOACH_{name.upper()}_ADDR": f"127.0.0.1:{ports[name]}" for name in SERVICES},
        **extra,
    )
    return env


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "wastecoach", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _until_up(url: str, procs: list[subprocess.Popen], limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError("a component exited while starting")
            try:
                if (await http.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError("the system did not become ready")


@dataclass
class Stack:
    url: str
    processes: dict[str, subprocess.Popen]  # by component: "auth" … "edge", "consumer 1" …


@asynccontextmanager
async def chart_like(settings: Settings, consumers: int = 1) -> AsyncIterator[Stack]:
    """Every component running in its own process; yields the edge's URL and the processes."""
    ports = {name: _free_port() for name in SERVICES}
    http_port = _free_port()
    env = _env(settings, ports)
    subprocess.run(
        [sys.executable, "-m", "wastecoach", "migrate"], env=env, cwd=REPO, check=True, capture_output=True
    )
    processes = {
        name: _spawn(["serve", name], {**env, "WASTECOACH_GRPC_PORT": str(ports[name])}) for name in SERVICES
    }
    processes["edge"] = _spawn(["serve", "edge"], {**env, "WASTECOACH_HTTP_PORT": str(http_port)})
    for k in range(1, consumers + 1):
        processes[f"consumer {k}"] = _spawn(["consume", "q.ai"], env)
    procs = list(processes.values())
    url = f"http://127.0.0.1:{http_port}"
    try:
        await _until_up(url, procs)
        yield Stack(url, processes)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


async def burst(
    url: str, database_url: str, images: list[bytes], submitters: int
) -> tuple[float, list[float]]:
    """Submits every image from `submitters` concurrent clients; completion is read from the
    database (the scan's own finish time), so finding out costs the system almost nothing."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        token = (await http.post("/api/v1/auth/dev/login", json={"nickname": "bench"})).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        queue = list(images)
        submitted: dict[str, float] = {}
        start = time.time()

        async def submitter() -> None:
            while queue:
                data = queue.pop()
                at = time.time()
                reply = await http.post("/api/v1/scans", headers=headers, files={"image": ("p.jpg", data)})
                submitted[reply.json()["scan_id"]] = at

        await asyncio.gather(*(submitter() for _ in range(submitters)))
    db = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        while True:
            rows = await db.fetch(
                "SELECT id, updated_at FROM scans "
                "WHERE id = ANY($1::text[]) AND status IN ('done', 'failed')",
                list(submitted),
            )
            if len(rows) == len(submitted):
                break
            await asyncio.sleep(0.2)
    finally:
        await db.close()
    finished = {row["id"]: row["updated_at"].timestamp() for row in rows}
    latencies = [finished[scan_id] - at for scan_id, at in submitted.items()]
    return len(images) / (max(finished.values()) - start), latencies


def server_cpu(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {group: after.get(group, 0.0) - before.get(group, 0.0) for group in SERVER_GROUPS}
