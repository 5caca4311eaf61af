"""One component per process, as k8s runs them: a service, the edge, or one queue's consumer."""

from __future__ import annotations

import asyncio
import logging

from edge.ratelimit import InProcessRateLimiter, RateLimiter, RedisRateLimiter
from mesh.cache import Cache, InProcessCache, RedisCache
from mesh.component import ServiceComponent, serve_forever, wait_for_signal
from mesh.events import EventBus, InProcessEventBus, RedisEventBus
from mesh.jobs import InProcessBroker, RetryPolicy
from mesh.ops_http import start_ops_server
from mesh.rabbit import RabbitPublisher, declare_all, make_broker
from wastecoach.settings import AllSettings

log = logging.getLogger(__name__)


def _redis(settings: AllSettings):
    import redis.asyncio as redis

    return redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)


def event_bus(settings: AllSettings) -> EventBus:
    return RedisEventBus(_redis(settings)) if settings.redis_url else InProcessEventBus()


def cache(settings: AllSettings) -> Cache:
    return RedisCache(_redis(settings)) if settings.redis_url else InProcessCache()


def rate_limiter(settings: AllSettings) -> RateLimiter:
    return RedisRateLimiter(_redis(settings)) if settings.redis_url else InProcessRateLimiter()


def build_component(
    name: str, settings: AllSettings, publisher=None, events: EventBus | None = None
) -> ServiceComponent:
    if name == "auth":
        import svc_auth.component as auth

        # Started sign-ins wait in Redis: any replica takes the callback.
        return auth.build(settings, cache=cache(settings))
    if name == "users":
        import svc_users.component as module
    elif name == "coach":
        import svc_coach.component as module
    elif name == "locations":
        import svc_locations.component as module
    elif name == "waste":
        import svc_waste.component as waste

        return waste.build(
            settings,
            publisher=publisher or InProcessBroker(),
            events=events or InProcessEventBus(),
            cache=cache(settings),
        )
    else:
        raise ValueError(f"unknown service {name!r}")
    return module.build(settings)


async def migrate_all(settings: AllSettings) -> None:
    for name in ("auth", "users", "waste", "coach", "locations"):
        component = build_component(name, settings)
        try:
            await component.migrate()
        finally:
            await component.shutdown()


async def serve_component(name: str, settings: AllSettings) -> None:
    if name == "edge":
        await _serve_edge(settings)
        return
    publisher = None
    broker = None
    if name == "waste":
        if not settings.rabbit_url:
            raise SystemExit("serve waste needs WASTECOACH_RABBIT_URL: its jobs go to RabbitMQ")
        broker = make_broker(settings.rabbit_url)
        await broker.start()
        await declare_all(broker)
        publisher = RabbitPublisher(broker)
    component = build_component(name, settings, publisher, event_bus(settings))
    if settings.metrics_port:
        start_ops_server(settings.metrics_port)
    try:
        await serve_forever(component, settings.grpc_host, settings.port_for(name), settings.grpc_grace_s)
    finally:
        if broker is not None:
            await broker.stop()


async def _serve_edge(settings: AllSettings) -> None:
    from edge.app import create_app
    from edge.clients import connect
    from edge.serving import EdgeServer

    if settings.metrics_port:
        start_ops_server(settings.metrics_port)
    app = create_app(
        settings, connect(settings), event_bus(settings), rate_limiter(settings), cache(settings)
    )
    await EdgeServer(app, host=settings.http_host, port=settings.http_port).serve()


async def consume_queue(queue: str, settings: AllSettings) -> None:
    from consumers.rabbit_runner import build_broker, watch_depth
    from consumers.wiring import build_workers

    if not settings.rabbit_url:
        raise SystemExit("consume needs WASTECOACH_RABBIT_URL")
    producer = make_broker(settings.rabbit_url)
    await producer.start()
    await declare_all(producer)
    workers = build_workers(settings, RabbitPublisher(producer))
    if queue not in workers.handlers:
        raise SystemExit(f"no handler for {queue}")
    broker = build_broker(
        settings.rabbit_url,
        {queue: workers.handlers[queue]},
        retry=RetryPolicy(settings.max_attempts, settings.retry_base_delay_s),
        prefetch=settings.prefetch(queue),
    )
    await broker.start()
    await declare_all(broker)
    if settings.metrics_port:
        # Ready while the broker answers; k8s stops routing work otherwise.
        start_ops_server(settings.metrics_port, ready=lambda: broker.ping(timeout=2))
    depth = asyncio.create_task(watch_depth(broker, [queue]))
    try:
        await wait_for_signal()
    finally:
        depth.cancel()
        await broker.stop()
        await producer.stop()
        await workers.close()


async def run_scheduler(settings: AllSettings) -> None:
    from wastecoach import scheduler

    if not (settings.rabbit_url and settings.redis_url):
        raise SystemExit(
            "schedule needs WASTECOACH_RABBIT_URL and WASTECOACH_REDIS_URL (Redis dedupes periods)"
        )
    broker = make_broker(settings.rabbit_url)
    await broker.start()
    await declare_all(broker)
    if settings.metrics_port:
        start_ops_server(settings.metrics_port, ready=lambda: broker.ping(timeout=2))
    task = asyncio.create_task(
        scheduler.run(RabbitPublisher(broker), scheduler.redis_claim(_redis(settings)))
    )
    try:
        await wait_for_signal()
    finally:
        task.cancel()
        await broker.stop()
