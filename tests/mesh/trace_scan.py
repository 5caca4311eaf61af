"""Runs one scan through the whole system with an in-memory span exporter and prints the spans as JSON.

Run as its own process: tracer providers and instrumentation are process-global.
    python tests/mesh/trace_scan.py PHOTO [REDIS_URL]   (cache, events and rate limits in Redis)
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mesh.settings import MeshSettings
from mesh.telemetry import setup_telemetry
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


async def main(photo: Path, redis_url: str | None = None) -> None:
    exporter = InMemorySpanExporter()
    provider = setup_telemetry("wastecoach-trace-test", exporter=exporter)
    data_dir = Path(tempfile.mkdtemp()) / "data"
    mesh = Mesh(Settings(mesh=MeshSettings(data_dir=data_dir, log_json=False, redis_url=redis_url)))
    await mesh.start(port=0)
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            token = (await http.post("/api/v1/auth/dev/login", json={"nickname": "tracer"})).json()[
                "access_token"
            ]
            headers = {"Authorization": f"Bearer {token}"}
            exporter.clear()  # only the scan's spans
            created = await http.post(
                "/api/v1/scans",
                headers=headers,
                files={"image": (photo.name, photo.read_bytes(), "image/jpeg")},
            )
            status_url = created.json()["status_url"]
            for _ in range(600):
                scan = (await http.get(status_url, headers=headers)).json()
                if scan["status"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.05)
    finally:
        await mesh.stop()
    provider.force_flush()
    spans = [
        {
            "name": s.name,
            "trace_id": f"{s.context.trace_id:032x}",
            "span_id": f"{s.context.span_id:016x}",
            "parent_id": f"{s.parent.span_id:016x}" if s.parent else None,
            "kind": s.kind.name,
            "attributes": {
                k: v for k, v in (s.attributes or {}).items() if isinstance(v, (str, int, float, bool))
            },
            "service": s.resource.attributes.get("service.name"),
        }
        for s in exporter.get_finished_spans()
    ]
    print(json.dumps({"scan": scan, "spans": spans}))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), *sys.argv[2:3]))
