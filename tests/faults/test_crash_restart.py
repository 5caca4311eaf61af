"""kill -9 of `wastecoach up` mid-burst: after a restart on the same data dir every accepted scan finishes.

On the embedded default the queue lives in the process, so a crash loses the jobs it held; the
scans themselves are stored, and the restart re-drives every one that had not finished.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import httpx

from tests.conftest import DATASETS
from tests.support import start_up

BURST = 20
KILL_AFTER = 4
FINISH_LIMIT_S = 180


def _start(data_dir: Path) -> tuple[subprocess.Popen, str]:
    return start_up(data_dir, WASTECOACH_SCAN_RATE_PER_MINUTE="1000")


async def _submit(http: httpx.AsyncClient, headers: dict[str, str], image: bytes, n: int) -> str | None:
    try:
        reply = await http.post(
            "/api/v1/scans",
            headers={**headers, "Idempotency-Key": f"crash-{n}"},
            files={"image": (f"{n}.jpg", image, "image/jpeg")},
        )
    except httpx.HTTPError:
        return None  # the process died under this request: not accepted
    return reply.json()["scan_id"] if reply.status_code == 202 else None


async def test_every_accepted_scan_finishes_after_a_kill_and_restart(tmp_path):
    data = tmp_path / "data"
    photos = sorted((DATASETS / "trashnet" / "paper").glob("*.jpg"))[:BURST]
    proc, url = _start(data)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            login = await http.post("/api/v1/auth/dev/login", json={"nickname": "crash"})
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            submissions = [
                asyncio.create_task(_submit(http, headers, p.read_bytes(), n)) for n, p in enumerate(photos)
            ]
            # Kill while the burst is being accepted and processed: once a few were accepted.
            accepted: list[str] = []
            for next_done in asyncio.as_completed(submissions):
                scan_id = await next_done
                if scan_id:
                    accepted.append(scan_id)
                if len(accepted) == KILL_AFTER:
                    proc.send_signal(signal.SIGKILL)
            assert len(accepted) >= KILL_AFTER
    finally:
        proc.kill()
        proc.wait()
    assert accepted, "nothing was accepted before the kill: the test proves nothing"

    proc, url = _start(data)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            headers = {"Authorization": f"Bearer {token}"}
            deadline = asyncio.get_running_loop().time() + FINISH_LIMIT_S
            pending = set(accepted)
            while pending and asyncio.get_running_loop().time() < deadline:
                for scan_id in sorted(pending):
                    body = (await http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()
                    if body["status"] in ("done", "failed"):
                        assert body["status"] == "done", body
                        pending.discard(scan_id)
                await asyncio.sleep(0.5)
            assert not pending, f"{len(pending)} of {len(accepted)} accepted scans never finished"
            history = (await http.get("/api/v1/users/me/scans?limit=50", headers=headers)).json()["items"]
            ids = [h["scan_id"] for h in history]
            # Each accepted scan once in the history: re-driven jobs are idempotent.
            assert sorted(set(ids) & set(accepted)) == sorted(accepted) and len(ids) == len(set(ids))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
