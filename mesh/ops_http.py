"""The ops port every process serves (9464): Prometheus /metrics, /healthz and /readyz for probes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from prometheus_client import REGISTRY
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST, generate_latest

from mesh import metrics

log = logging.getLogger(__name__)
Ready = Callable[[], Awaitable[bool]]


async def _always() -> bool:
    return True


def ops_app(ready: Ready = _always):
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/metrics":
            # OpenMetrics: the format that carries trace-id exemplars to Prometheus.
            status, body, kind = 200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST
        elif path == "/healthz":
            status, body, kind = 200, b'{"status":"ok"}', "application/json"
        elif path == "/readyz":
            try:
                ok = await asyncio.wait_for(ready(), timeout=3)
            except Exception:
                ok = False
            status = 200 if ok else 503
            body = b'{"status":"ok"}' if ok else b'{"status":"unavailable"}'
            kind = "application/json"
        else:
            status, body, kind = 404, b"not found", "text/plain"
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", kind.encode())]}
        )
        await send({"type": "http.response.body", "body": body})

    return app


def start_ops_server(port: int, ready: Ready = _always, host: str = "0.0.0.0") -> asyncio.Task[None]:
    metrics.initialise()
    config = uvicorn.Config(
        ops_app(ready), host=host, port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    log.info("ops endpoints listening", extra={"port": port})
    return asyncio.create_task(server.serve())
