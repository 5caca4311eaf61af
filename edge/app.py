"""The FastAPI application factory; clients and buses are injected so tests and runners share one wiring."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from edge import errors
from edge.auth import TokenVerifier
from edge.clients import Clients
from edge.ratelimit import InProcessRateLimiter, RateLimiter
from edge.routes import auth, coach, health, locations, scans, users
from edge.settings import EdgeSettings
from mesh import metrics
from mesh.events import EventBus
from mesh.telemetry import instrumented
from protos.wastecoach.auth.v1 import auth_pb2


def create_app(
    settings: EdgeSettings, clients: Clients, events: EventBus, limiter: RateLimiter | None = None
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await clients.close()

    app = FastAPI(
        title="AI Waste Coach API",
        version="1.0.0",
        description="Photograph waste; learn what it is and how and why to dispose of it under Korean rules.",
        lifespan=lifespan,
    )

    async def fetch_jwks() -> str:
        return (await clients.auth.GetJwks(auth_pb2.GetJwksRequest())).jwks_json

    app.state.settings = settings
    app.state.clients = clients
    app.state.events = events
    app.state.limiter = limiter or InProcessRateLimiter()
    app.state.verifier = TokenVerifier(fetch_jwks, ttl_s=settings.jwks_ttl_s)
    errors.install(app)
    if instrumented():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, exclude_spans=["send", "receive"], excluded_urls="healthz,readyz"
        )
    for module in (health, auth, users, scans, coach, locations):
        app.include_router(module.router)

    @app.middleware("http")
    async def measure(request: Request, call_next) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.HTTP_REQUESTS.labels(path, request.method, str(response.status_code)).inc()
        metrics.HTTP_SECONDS.labels(path).observe(time.perf_counter() - start)
        return response

    return app
