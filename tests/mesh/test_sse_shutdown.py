"""An open event stream never holds a shutdown: it ends with a reconnect hint within the grace period."""

from __future__ import annotations

import asyncio

import httpx

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.mesh.conftest import login, photo
from wastecoach.runner import Mesh
from wastecoach.settings import Settings

# Far above the drain grace: on the old code the stop waited as long as the client stayed.
STOP_LIMIT_S = 60


async def test_shutdown_ends_open_streams_with_a_retry_hint(tmp_path):
    settings = Settings(
        mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False),
        edge=EdgeSettings(scan_rate_per_minute=1000),
    )
    mesh = Mesh(settings)
    await mesh.start(port=0)
    stopped = False
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=STOP_LIMIT_S) as http:
            headers = await login(http, "sse-drain")
            await mesh.broker.stop()  # the scan stays queued: the stream stays open
            image = photo("trashnet/paper")
            files = {"image": (image.name, image.read_bytes(), "image/jpeg")}
            created = (await http.post("/api/v1/scans", headers=headers, files=files)).json()
            lines: list[str] = []
            async with http.stream("GET", created["events_url"], headers=headers) as stream:
                reader = stream.aiter_lines()
                while not (await anext(reader)).startswith("data: "):
                    pass
                stopping = asyncio.create_task(mesh.stop())
                async with asyncio.timeout(STOP_LIMIT_S):
                    async for line in reader:
                        lines.append(line)
            await asyncio.wait_for(stopping, STOP_LIMIT_S)
            stopped = True
        assert any(line.startswith("retry: ") for line in lines), lines
    finally:
        if not stopped:
            await mesh.stop()
