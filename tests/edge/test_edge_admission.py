"""Overload is a fast, honest answer: beyond the sign-ins and submissions an edge admits at once,
the next is refused at once with 503 and Retry-After; a service that times out is a 503 too,
never a 504 after the deadline."""

import asyncio

import grpc
import httpx
from fastapi import FastAPI

from edge import errors
from edge.admission import Admission


def _slow_app(release: asyncio.Event, entered: list[str]) -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.post("/api/v1/auth/dev/login")
    async def login() -> dict:
        entered.append("login")
        await release.wait()
        return {"ok": True}

    @app.get("/api/v1/scans/{scan_id}")
    async def poll(scan_id: str) -> dict:
        return {"scan_id": scan_id}

    @app.post("/api/v1/coach/ask")
    async def ask() -> dict:
        raise grpc.aio.AioRpcError(
            grpc.StatusCode.DEADLINE_EXCEEDED, grpc.aio.Metadata(), grpc.aio.Metadata(), "Deadline Exceeded"
        )

    return app


async def test_beyond_the_limit_a_sign_in_is_refused_at_once_and_admitted_work_finishes():
    release, entered = asyncio.Event(), []
    app = Admission(_slow_app(release, entered), limits={"sign_in": 2, "submission": 2})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        admitted = [asyncio.create_task(http.post("/api/v1/auth/dev/login")) for _ in range(2)]
        while len(entered) < 2:
            await asyncio.sleep(0.01)
        refused = await http.post("/api/v1/auth/dev/login", headers={"Accept-Language": "ko"})
        assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "overloaded" and "잠시 후" in refused.json()["detail"]
        # Reads are never held back, and what was admitted completes.
        assert (await http.get("/api/v1/scans/abc")).status_code == 200
        release.set()
        assert [r.status_code for r in await asyncio.gather(*admitted)] == [200, 200]
        assert (await http.post("/api/v1/auth/dev/login")).status_code == 200


async def test_a_service_timeout_is_503_with_retry_after():
    app = _slow_app(asyncio.Event(), [])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        reply = await http.post("/api/v1/coach/ask")
    assert reply.status_code == 503 and reply.headers["retry-after"]
    assert reply.json()["code"] == "timeout"
