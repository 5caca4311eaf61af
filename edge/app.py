"""The FastAPI application factory; clients and buses are injected so tests and runners share one wiring."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge import docs, errors, openapi
from edge.admission import Admission
from edge.auth import TokenVerifier
from edge.body_gate import BodyGate
from edge.clients import Clients
from edge.context import EdgeContext, attach
from edge.fast_poll import FastPoll
from edge.ratelimit import InProcessRateLimiter, RateLimiter
from edge.routes import auth, coach, health, locations, scans, users, web
from edge.settings import EdgeSettings
from mesh import metrics
from mesh.cache import Cache, InProcessCache
from mesh.events import EventBus
from mesh.settings import MeshSettings
from mesh.telemetry import instrumented
from protos.wastecoach.auth.v1 import auth_pb2


def create_app(
    mesh: MeshSettings,
    settings: EdgeSettings,
    clients: Clients,
    events: EventBus,
    limiter: RateLimiter | None = None,
    cache: Cache | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await clients.close()

    app = FastAPI(
        title="AI Waste Coach API",
        version="1.0.0",
        description="Photograph waste; learn what it is and how and why to dispose of it under Korean rules.",
        # Served from the installed package by edge/docs.py instead of a CDN.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )

    async def fetch_jwks() -> str:
        return (await clients.auth.GetJwks(auth_pb2.GetJwksRequest())).jwks_json

    edge = EdgeContext(
        mesh=mesh,
        settings=settings,
        clients=clients,
        events=events,
        limiter=limiter or InProcessRateLimiter(),
        cache=cache or InProcessCache(),
        verifier=TokenVerifier(fetch_jwks, ttl_s=settings.jwks_ttl_s),
        draining=asyncio.Event(),
    )
    attach(app, edge)
    errors.install(app)
    docs.install(app)
    openapi.install(app)
    if instrumented():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        # Nor polls of a scan (ids are 32 hex digits): a span each per app every 0.5 s would cost
        # more CPU than the poll itself and say nothing the scan's own trace does not.
        FastAPIInstrumentor.instrument_app(
            app, exclude_spans=["send", "receive"], excluded_urls="healthz,readyz,api/v1/scans/[0-9a-f]{32}$"
        )
    app.include_router(health.router)
    app.include_router(web.router)  # the web client at /
    for module in (auth, users, scans, coach, locations):
        app.include_router(module.router, responses=errors.API_ERRORS)

    app.add_middleware(FastPoll, edge=edge)  # polls of published scans skip routing and dependency solving
    photo_body = settings.max_upload_bytes + scans.FORM_OVERHEAD
    app.add_middleware(BodyGate, edge=edge, limits={("POST", "/api/v1/scans"): photo_body})
    app.add_middleware(
        Admission,
        limits={
            "sign_in": settings.max_concurrent_sign_ins,
            "submission": settings.max_concurrent_submissions,
        },
    )
    app.add_middleware(MeasureMiddleware)  # outermost: counts the gate's refusals too
    return app


class MeasureMiddleware:
    """Request count and latency by route template; plain ASGI, as BaseHTTPMiddleware costs ~1 ms."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            metrics.HTTP_REQUESTS.labels(path, scope["method"], str(status[0])).inc()
            metrics.HTTP_SECONDS.labels(path).observe(time.perf_counter() - start)
