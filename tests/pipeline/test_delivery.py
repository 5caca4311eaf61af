"""Result delivery on the production stack: idempotent submission, SSE over Redis pub/sub, ETag/304."""

import json

import httpx

from tests.mesh.conftest import photo
from tests.pipeline.conftest import eventually, login, start_mesh


async def test_idempotency_sse_and_etag_on_the_real_stack(stack_settings):
    mesh = await start_mesh(stack_settings, run_consumers=False)  # jobs wait in q.ai until consumers start
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            headers = await login(http, "delivery")
            image = photo("trashnet/glass", 5)
            files = {"image": (image.name, image.read_bytes(), "image/jpeg")}
            key = {**headers, "Idempotency-Key": "app-retry-42"}
            first = (await http.post("/api/v1/scans", headers=key, files=files)).json()
            second = (await http.post("/api/v1/scans", headers=key, files=files)).json()
            assert first["scan_id"] == second["scan_id"]
            statuses = []
            async with http.stream("GET", first["events_url"], headers=headers) as stream:
                # Now let the consumers run: the transitions come through Redis pub/sub.
                await mesh.start_consumers()
                async for line in stream.aiter_lines():
                    if line.startswith("data: "):
                        statuses.append(json.loads(line[6:])["status"])
            assert statuses[0] == "queued" and statuses[-1] == "done" and "processing" in statuses
            scan_url = first["status_url"]
            reply = await http.get(scan_url, headers=headers)
            assert reply.status_code == 200 and "retry-after" not in reply.headers
            again = await http.get(scan_url, headers={**headers, "If-None-Match": reply.headers["etag"]})
            assert again.status_code == 304

            async def one_history_row():
                items = (await http.get("/api/v1/users/me/scans", headers=headers)).json()["items"]
                return items if items else None

            items = await eventually(one_history_row, 10)
            assert [i["scan_id"] for i in items] == [first["scan_id"]]  # one job ran, one row
    finally:
        await mesh.stop()
