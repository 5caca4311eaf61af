"""The composition root: what a process is made of, built once, in one place.

`up` (everything in one process) and `serve`, `consume`, `schedule`, `migrate` (one component per
process, as the chart runs them) are lifecycles over the builders here; nothing else picks an
adapter (Redis or in-process, RabbitMQ or the in-process queue) or builds a service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from faststream.rabbit import RabbitBroker

from consumers.settings import ConsumerSettings
from edge.ratelimit import InProcessRateLimiter, RateLimiter, RedisRateLimiter
from mesh.cache import Cache, InProcessCache, RedisCache
from mesh.component import ServiceComponent
from mesh.events import EventBus, InProcessEventBus, RedisEventBus
from mesh.identity import IdentityKey
from mesh.jobs import Handler, InProcessBroker, Publisher, RetryPolicy
from mesh.rabbit import RabbitPublisher, declare_all, make_broker
from mesh.settings import MeshSettings
from wastecoach.settings import Settings

SERVICE_NAMES = ("auth", "users", "waste", "coach", "locations")


@dataclass
class Backends:
    """What every component of one process shares: one Redis client (or the in-process stand-ins),
    one cache, one event bus, one rate limiter and the mesh's identity key."""

    settings: MeshSettings

    @cached_property
    def redis(self) -> Any:
        import redis.asyncio as redis

        return redis.from_url(self.settings.redis_url, socket_timeout=2, socket_connect_timeout=2)

    @cached_property
    def cache(self) -> Cache:
        return RedisCache(self.redis) if self.settings.redis_url else InProcessCache()

    @cached_property
    def events(self) -> EventBus:
        return RedisEventBus(self.redis) if self.settings.redis_url else InProcessEventBus()

    @cached_property
    def limiter(self) -> RateLimiter:
        return RedisRateLimiter(self.redis) if self.settings.redis_url else InProcessRateLimiter()

    @cached_property
    def identity(self) -> IdentityKey:
        return self.settings.identity_key()

    async def close(self) -> None:
        if "redis" in self.__dict__:
            await self.redis.aclose()


# Each service gets the mesh's section and its own, no other.
def _auth(settings: Settings, backends: Backends, _: Publisher | None, **__: Any) -> ServiceComponent:
    import svc_auth.component

    # Started sign-ins wait in the shared cache: any replica takes the provider's callback.
    return svc_auth.component.build(settings.mesh, settings.auth, cache=backends.cache)


def _users(settings: Settings, *_: Any, **__: Any) -> ServiceComponent:
    import svc_users.component

    return svc_users.component.build(settings.mesh)


def _waste(
    settings: Settings, backends: Backends, publisher: Publisher | None, **options: Any
) -> ServiceComponent:
    import svc_waste.component

    return svc_waste.component.build(
        settings.mesh,
        settings.waste,
        publisher=publisher or InProcessBroker(),
        events=backends.events,
        cache=backends.cache,
        **options,
    )


def _coach(settings: Settings, *_: Any, **__: Any) -> ServiceComponent:
    import svc_coach.component

    return svc_coach.component.build(settings.coach)


def _locations(settings: Settings, *_: Any, **__: Any) -> ServiceComponent:
    import svc_locations.component

    return svc_locations.component.build(settings.mesh, settings.locations)


SERVICES: dict[str, Callable[..., ServiceComponent]] = {
    "auth": _auth,
    "users": _users,
    "waste": _waste,
    "coach": _coach,
    "locations": _locations,
}


def service(
    name: str, settings: Settings, backends: Backends, publisher: Publisher | None = None, **options: Any
) -> ServiceComponent:
    """options: what only that service takes (waste: relay, redrive_on_start)."""
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}")
    return SERVICES[name](settings, backends, publisher, **options)


def retry_policy(consumers: ConsumerSettings) -> RetryPolicy:
    return RetryPolicy(consumers.max_attempts, consumers.retry_base_delay_s)


@dataclass
class Producer:
    """Where this process publishes jobs: RabbitMQ when configured, else the in-process queue."""

    publisher: Publisher
    rabbit: RabbitBroker | None = None
    inprocess: InProcessBroker | None = None

    async def stop(self) -> None:
        if self.inprocess is not None:
            await self.inprocess.stop()
        if self.rabbit is not None:
            await self.rabbit.stop()


async def open_producer(settings: Settings, *, require_rabbit: str = "") -> Producer:
    """require_rabbit: why this process cannot run on the in-process queue (exits when unset)."""
    if settings.mesh.rabbit_url:
        broker = make_broker(settings.mesh.rabbit_url)
        await broker.start()
        await declare_all(broker)
        return Producer(RabbitPublisher(broker), rabbit=broker)
    if require_rabbit:
        raise SystemExit(require_rabbit)
    consumers = settings.consumers
    inprocess = InProcessBroker(workers=consumers.inprocess_workers, retry=retry_policy(consumers))
    return Producer(inprocess, inprocess=inprocess)


async def open_consumer(settings: Settings, handlers: dict[str, Handler]) -> RabbitBroker:
    """The handlers on RabbitMQ, each queue with its own prefetch."""
    from consumers.rabbit_runner import build_broker

    consumers = settings.consumers
    broker = build_broker(
        settings.mesh.rabbit_url, handlers, retry=retry_policy(consumers), prefetch=consumers.prefetch
    )
    await broker.start()
    await declare_all(broker)
    return broker
