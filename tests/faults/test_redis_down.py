"""Redis unreachable: results come from PostgreSQL, the rate limiter fails open, SSE falls back to polling."""

from __future__ import annotations

import asyncio
import json

import httpx

from edge.settings import EdgeSettings
from tests.faults.conftest import closed_port, verdict
from tests.mesh.conftest import photo
from tests.pipeline.conftest import eventually, login, start_mesh

SCANS = 4


async def test_redis_down_degrades_without_5xx(stack_settings):
    # Nothing listens there: every cache read/write, rate-limit hit and event publish fails fast.
    settings = stack_settings.with_mesh(redis_url=f"redis://127.0.0.1:{closed_port()}/0").model_copy(
        update={"edge": EdgeSettings(scan_rate_per_minute=2)}
    )
    mesh = await start_mesh(settings)
    statuses: list[int] = []
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:

            async def call(method: str, url: str, **kwargs) -> httpx.Response:
                reply = await http.request(method, url, **kwargs)
                statuses.append(reply.status_code)
                return reply

            headers = await login(http, "no-redis")
            assert (await call("GET", "/api/v1/users/me", headers=headers)).status_code == 200
            accepted = []
            for i in range(
                SCANS
            ):  # more than the limit of 2 a minute: the limiter is down, so it lets them in
                image = photo("trashnet/metal", i)
                reply = await call(
                    "POST",
                    "/api/v1/scans",
                    headers=headers,
                    files={"image": (image.name, image.read_bytes(), "image/jpeg")},
                )
                assert reply.status_code == 202, reply.text
                accepted.append(reply.json())

            # SSE without pub/sub: the stream polls and still ends with the final state.
            events = []
            async with http.stream("GET", accepted[-1]["events_url"], headers=headers) as stream:
                statuses.append(stream.status_code)
                assert stream.headers["content-type"].startswith("text/event-stream")

                async def read() -> None:
                    async for line in stream.aiter_lines():
                        if line.startswith("data: "):
                            events.append(json.loads(line[6:])["status"])

                await asyncio.wait_for(read(), 60)
            assert events and events[-1] == "done", events

            async def all_done():
                bodies = [(await call("GET", a["status_url"], headers=headers)).json() for a in accepted]
                return bodies if all(b["status"] == "done" for b in bodies) else None

            await eventually(all_done, 90, 0.3)
            history = (await call("GET", "/api/v1/users/me/scans", headers=headers)).json()["items"]
            assert sorted(h["scan_id"] for h in history) == sorted(a["scan_id"] for a in accepted)
            assert (await call("GET", "/api/v1/items?q=pet", headers=headers)).status_code == 200
    finally:
        await mesh.stop()
    server_errors = [s for s in statuses if s >= 500]
    verdict(
        f"redis-down: {len(accepted)} scans accepted over a limit of 2/min (limiter fails open), "
        f"{len(accepted)} done from PostgreSQL, SSE ended '{events[-1]}' by polling, "
        f"{len(statuses)} requests, {len(server_errors)} 5xx"
    )
    assert not server_errors, statuses
