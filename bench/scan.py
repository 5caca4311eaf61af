"""Scan end to end (submit → done, followed over SSE) through REST, embedded default and real stack.

Baseline in the same run: the on-device vision call alone, so the ratio shows what the
pipeline (REST, gRPC hops, queue, coach, locations, storage) adds. Target: embedded p50 < 150 ms.
Real stack: PostgreSQL, Redis and RabbitMQ on 127.0.0.1 (a throwaway database and vhost).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from PIL import Image

from bench.common import line, machine, summary
from consumers.settings import ConsumerSettings
from consumers.wiring import build_vision
from edge.settings import EdgeSettings
from mesh.settings import MeshSettings, read_env
from wastecoach.runner import Mesh
from wastecoach.settings import Settings

N = int(os.environ.get("BENCH_SCANS", "40"))
PHOTOS = sorted((Path(__file__).resolve().parents[2] / "shared" / "datasets" / "trashnet").rglob("*.jpg"))[
    ::37
]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def phone_photo(source: Path) -> bytes:
    """A 12-megapixel JPEG as a phone saves it (4032 x 3024, quality 90, EXIF orientation 6), made
    from a dataset photo: the decoder has to draft-decode and rotate it."""
    img = Image.open(source).convert("RGB").resize((4032, 3024), Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


async def scan_latencies(
    settings: Settings, vision, n: int, photos: list[bytes] | None = None
) -> list[float]:
    mesh = Mesh(settings, vision=vision)
    await mesh.start(port=0)
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=60) as http:
            token = (await http.post("/api/v1/auth/dev/login", json={"nickname": "bench"})).json()[
                "access_token"
            ]
            headers = {"Authorization": f"Bearer {token}"}
            samples = []
            for i in range(n + 3):
                data = photos[i % len(photos)] if photos else PHOTOS[i % len(PHOTOS)].read_bytes()
                start = time.perf_counter()
                created = await http.post(
                    "/api/v1/scans",
                    headers=headers,
                    data={"lat": "37.5663", "lon": "126.9019"},
                    files={"image": ("photo.jpg", data, "image/jpeg")},
                )
                # Follow the scan as the app does, over server-sent events (no polling load).
                async with http.stream("GET", created.json()["events_url"], headers=headers) as events:
                    async for line in events.aiter_lines():
                        if line.startswith("data: ") and json.loads(line[6:])["status"] in ("done", "failed"):
                            break
                if i >= 3:  # warm-up
                    samples.append(time.perf_counter() - start)
            return samples
    finally:
        await mesh.stop()


async def vision_only(vision, n: int) -> list[float]:
    samples = []
    for i in range(n):
        data = PHOTOS[i % len(PHOTOS)].read_bytes()
        start = time.perf_counter()
        await vision.classify(data)
        samples.append(time.perf_counter() - start)
    return samples


def _quiet(data_dir: Path) -> Settings:
    """The embedded default, logging warnings only, with no scan rate limit to speak of."""
    return Settings(
        mesh=MeshSettings(data_dir=data_dir, log_json=False, log_level="WARNING"),
        edge=EdgeSettings(scan_rate_per_minute=100_000),
    )


async def real_stack_settings(data_dir: Path) -> tuple[Settings, str, str]:
    db = f"wc_bench_{uuid.uuid4().hex[:8]}"
    vhost = f"wc_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{db}"')
    await admin.close()
    subprocess.run(["rabbitmqctl", "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
    )
    settings = _quiet(data_dir).with_mesh(
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{db}",
        redis_url="redis://127.0.0.1:6379/0",
        rabbit_url=f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
    )
    return settings, db, vhost


async def drop(db: str, vhost: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    await admin.close()
    subprocess.run(["rabbitmqctl", "delete_vhost", vhost], check=False, capture_output=True)


async def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    tmp = Path(tempfile.mkdtemp())
    vision = build_vision(read_env(ConsumerSettings))
    await vision_only(vision, 5)
    base = summary(await vision_only(vision, N))
    embedded = summary(
        await scan_latencies(
            _quiet(tmp / "embedded"),
            vision,
            N,
        )
    )
    big = [phone_photo(p) for p in PHOTOS[:4]]
    phone = summary(
        await scan_latencies(
            _quiet(tmp / "phone"),
            vision,
            N,
            big,
        )
    )
    settings, db, vhost = await real_stack_settings(tmp / "real")
    try:
        real = summary(await scan_latencies(settings, vision, N))
    finally:
        await drop(db, vhost)
    print(f"# scan end to end (submit → done, followed over SSE) — {machine()}")
    print(line("vision only (baseline)", base))
    print(line("embedded default", embedded))
    print(line(f"embedded, 12 MP phone JPEG ({len(big[0]) // 1024} KiB)", phone))
    print(line("real stack (PG, Redis, RabbitMQ)", real))
    print(
        f"embedded p50 {embedded['p50_ms']:.1f} ms (target < 150 ms: "
        f"{'met' if embedded['p50_ms'] < 150 else 'NOT met'}); ratio to vision p50 "
        f"{embedded['p50_ms'] / base['p50_ms']:.2f}x embedded, "
        f"{real['p50_ms'] / base['p50_ms']:.2f}x real stack"
    )
    print(
        f"12 MP photo p50 {phone['p50_ms']:.1f} ms on the embedded default (target <= 150 ms: "
        f"{'met' if phone['p50_ms'] <= 150 else 'NOT met'})"
    )


if __name__ == "__main__":
    asyncio.run(main())
