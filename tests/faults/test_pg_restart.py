"""PostgreSQL restarts while scans stream in: refused submissions are 503s, accepted ones all finish once."""

from __future__ import annotations

import asyncio

import httpx

from tests.faults.conftest import pg_ctl, verdict
from tests.mesh.conftest import photo
from tests.pipeline.conftest import eventually, login
from wastecoach.runner import Mesh

SUBMIT_EVERY_S = 0.1
DOWN_S = 4.0  # longer than the job retry budget of the test settings (3 attempts within ~1 s)


class SlowVision:
    """The real model behind a delay, so jobs are in flight (and queued) when PostgreSQL stops."""

    def __init__(self, real):
        self.real = real

    async def classify(self, data, hint=None):
        await asyncio.sleep(1.5)
        return await self.real.classify(data, hint)


async def test_postgres_restart_under_load_loses_no_accepted_scan(stack_settings):
    from consumers.wiring import build_vision

    mesh = Mesh(stack_settings, vision=SlowVision(build_vision(stack_settings.consumers)))
    await mesh.start(port=0)
    statuses: list[int] = []
    accepted: list[str] = []
    images = [photo("trashnet/glass", i) for i in range(8)]
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            headers = await login(http, "pg-restart")
            stop = asyncio.Event()

            async def submit_forever() -> None:
                sent = 0
                while not stop.is_set():
                    image = images[sent % len(images)]
                    reply = await http.post(
                        "/api/v1/scans",
                        headers=headers,
                        files={"image": (image.name, image.read_bytes(), "image/jpeg")},
                    )
                    statuses.append(reply.status_code)
                    if reply.status_code == 202:
                        accepted.append(reply.json()["scan_id"])
                    else:  # refused, never half-accepted: problem+json saying why
                        assert reply.headers["content-type"] == "application/problem+json", reply.text
                    sent += 1
                    await asyncio.sleep(SUBMIT_EVERY_S)

            load = asyncio.create_task(submit_forever())
            await asyncio.sleep(2.0)
            before = len(accepted)
            pending_at_stop = len(accepted) - await _count_done(http, headers, accepted)
            await asyncio.to_thread(pg_ctl, "stop")
            try:
                await asyncio.sleep(DOWN_S)
            finally:
                await asyncio.to_thread(pg_ctl, "start")
            await asyncio.sleep(3.0)
            stop.set()
            await load

            async def all_done():
                bodies = [(await http.get(f"/api/v1/scans/{s}", headers=headers)).json() for s in accepted]
                return bodies if all(b.get("status") == "done" for b in bodies) else None

            await eventually(all_done, 180, 0.5)
            history = (await http.get("/api/v1/users/me/scans?limit=100", headers=headers)).json()["items"]
    finally:
        await mesh.stop()
    refused = [s for s in statuses if s != 202]
    verdict(
        f"pg-restart: {len(statuses)} submissions, {len(accepted)} accepted ({before} before the stop, "
        f"{pending_at_stop} of them unfinished when it stopped), "
        f"{len(refused)} refused with {sorted(set(refused))}, all accepted done, "
        f"{len(history)} history rows for {len(set(accepted))} scans"
    )
    assert before > 0 and len(accepted) > before  # load ran on both sides of the outage
    assert pending_at_stop > 0  # jobs were in flight: they had to wait out the outage, not dead-letter
    assert refused and set(refused) <= {503}, statuses  # down is "unavailable", never a 500
    assert sorted(h["scan_id"] for h in history) == sorted(accepted)  # each completed exactly once


async def _count_done(http: httpx.AsyncClient, headers: dict[str, str], scan_ids: list[str]) -> int:
    bodies = [(await http.get(f"/api/v1/scans/{s}", headers=headers)).json() for s in scan_ids]
    return sum(b.get("status") == "done" for b in bodies)
