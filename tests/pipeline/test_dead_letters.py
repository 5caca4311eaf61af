"""A job that keeps failing ends in q.dlq with its reason, the scan reads `failed` with a
user-readable message, and `wastecoach dlq replay` completes it once the cause is fixed."""

import os
import subprocess
import sys

import httpx

from tests.conftest import REPO
from tests.mesh.conftest import photo
from tests.pipeline.conftest import eventually, login


class BrokenVision:
    """Stands in for a vision backend that is down, then repaired."""

    def __init__(self, real):
        self.real = real
        self.broken = True
        self.calls = 0

    async def classify(self, data, hint=None):
        self.calls += 1
        if self.broken:
            raise RuntimeError("vision model unavailable")
        return await self.real.classify(data, hint)


def _cli(settings, *args):
    env = {**os.environ, "WASTECOACH_RABBIT_URL": settings.mesh.rabbit_url, "WASTECOACH_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "wastecoach", "dlq", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_failing_job_dead_letters_then_replays(stack_settings):
    from consumers.wiring import build_vision

    vision = BrokenVision(build_vision(stack_settings.consumers))
    from wastecoach.runner import Mesh

    mesh = Mesh(stack_settings, vision=vision)
    await mesh.start(port=0)
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            headers = await login(http, "dlq")
            image = photo("trashnet/glass")
            created = await http.post(
                "/api/v1/scans",
                headers=headers,
                files={"image": (image.name, image.read_bytes(), "image/jpeg")},
            )
            scan_id = created.json()["scan_id"]

            async def failed():
                body = (await http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()
                return body if body["status"] == "failed" else None

            body = await eventually(failed, 60)
            assert body["error"]["code"] == "processing_failed" and "try again" in body["error"]["message"]
            assert vision.calls == stack_settings.consumers.max_attempts
            listing = await eventually(lambda: _listed(stack_settings, scan_id), 20)
            assert "vision model unavailable" in listing["reason"] and listing["attempts"] == 3
            vision.broken = False
            replay = _cli(stack_settings, "replay", scan_id)
            assert replay.returncode == 0, replay.stderr

            async def done():
                body = (await http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()
                return body if body["status"] == "done" else None

            body = await eventually(done, 60)
            assert body["result"]["category"]["code"]
            assert _cli(stack_settings, "list").stdout.strip() == ""
    finally:
        await mesh.stop()


async def _listed(settings, scan_id):
    import json

    out = _cli(settings, "list")
    for line in out.stdout.splitlines():
        letter = json.loads(line)
        if letter["message_id"] == scan_id:
            return letter
    return None
