"""One component per process, as k8s runs them: a service, the edge, or one queue's consumer."""

from __future__ import annotations

import asyncio
import logging

from mesh.component import serve_forever, wait_for_signal
from mesh.ops_http import start_ops_server
from wastecoach import wiring
from wastecoach.settings import Settings

log = logging.getLogger(__name__)


async def migrate_all(settings: Settings) -> None:
    backends = wiring.Backends(settings.mesh)
    try:
        for name in wiring.SERVICE_NAMES:
            component = wiring.service(name, settings, backends)
            try:
                await component.migrate()
            finally:
                await component.shutdown()
    finally:
        await backends.close()


async def serve_component(name: str, settings: Settings) -> None:
    if name == "edge":
        await _serve_edge(settings)
        return
    if name not in wiring.SERVICES:
        raise ValueError(f"unknown service {name!r}")
    mesh = settings.mesh
    backends = wiring.Backends(mesh)
    producer = None
    try:
        if name == "waste":
            producer = await wiring.open_producer(
                settings, require_rabbit="serve waste needs WASTECOACH_RABBIT_URL: its jobs go to RabbitMQ"
            )
        component = wiring.service(name, settings, backends, producer.publisher if producer else None)
        if mesh.metrics_port:
            start_ops_server(mesh.metrics_port)
        await serve_forever(
            component, mesh.grpc_host, mesh.port_for(name), mesh.grpc_grace_s, backends.identity
        )
    finally:
        if producer is not None:
            await producer.stop()
        await backends.close()


async def _serve_edge(settings: Settings) -> None:
    from edge.app import create_app
    from edge.clients import connect
    from edge.serving import EdgeServer

    mesh, edge = settings.mesh, settings.edge
    if mesh.metrics_port:
        start_ops_server(mesh.metrics_port)
    backends = wiring.Backends(mesh)
    app = create_app(mesh, edge, connect(mesh), backends.events, backends.limiter, backends.cache)
    try:
        await EdgeServer(app, host=edge.http_host, port=edge.http_port).serve()
    finally:
        await backends.close()


async def consume_queue(queue: str, settings: Settings) -> None:
    from consumers.rabbit_runner import watch_depth
    from consumers.wiring import build_workers

    producer = await wiring.open_producer(settings, require_rabbit="consume needs WASTECOACH_RABBIT_URL")
    workers = broker = depth = None
    try:
        workers = build_workers(settings.mesh, settings.consumers, producer.publisher)
        if queue not in workers.handlers:
            raise SystemExit(f"no handler for {queue}")
        broker = await wiring.open_consumer(settings, {queue: workers.handlers[queue]})
        if settings.mesh.metrics_port:
            # Ready while the broker answers; k8s stops routing work otherwise.
            start_ops_server(settings.mesh.metrics_port, ready=lambda: broker.ping(timeout=2))
        depth = asyncio.create_task(watch_depth(broker, [queue]))
        await wait_for_signal()
    finally:
        if depth is not None:
            depth.cancel()
        if broker is not None:
            await broker.stop()
        await producer.stop()
        if workers is not None:
            await workers.close()


async def run_scheduler(settings: Settings) -> None:
    from wastecoach import scheduler

    mesh = settings.mesh
    if not (mesh.rabbit_url and mesh.redis_url):
        raise SystemExit(
            "schedule needs WASTECOACH_RABBIT_URL and WASTECOACH_REDIS_URL (Redis dedupes periods)"
        )
    producer = await wiring.open_producer(settings)
    backends = wiring.Backends(mesh)
    if mesh.metrics_port:
        start_ops_server(mesh.metrics_port, ready=lambda: producer.rabbit.ping(timeout=2))
    task = asyncio.create_task(scheduler.run(producer.publisher, scheduler.redis_claim(backends.redis)))
    try:
        await wait_for_signal()
    finally:
        task.cancel()
        await producer.stop()
        await backends.close()
