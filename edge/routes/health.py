"""Liveness and readiness."""

from __future__ import annotations

import asyncio

import grpc
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc

from edge.deps import ClientsDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz")
async def readyz(clients: ClientsDep) -> JSONResponse:
    """Ready when every service answers SERVING: the edge is useless without them."""

    async def check(channel: grpc.aio.Channel) -> bool:
        try:
            reply = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=2
            )
            return reply.status == health_pb2.HealthCheckResponse.SERVING
        except grpc.aio.AioRpcError:
            return False

    names = ("auth", "users", "waste", "coach", "locations")
    results = await asyncio.gather(*(check(c) for c in clients.channels))
    services = {name: "ok" if ok else "unavailable" for name, ok in zip(names, results, strict=True)}
    ready = all(results)
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "services": services}, status_code=200 if ready else 503
    )
