"""Status-change fan-out for server-sent events: in-process on the embedded default, Redis pub/sub otherwise.

A subscription is an asyncio.Queue, so a reader can wait on it with a timeout safely.
Events are best effort: the state lives in the database. If Redis is down, publishing is skipped
(logged, counted) and a subscription comes back with `live = False`, telling the reader to poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

from mesh import metrics

log = logging.getLogger(__name__)


class Inbox(asyncio.Queue):
    """Events of one channel; `live` is False when nothing will arrive (the bus is down): poll instead."""

    live: bool = True


class EventBus(Protocol):
    async def publish(self, channel: str, event: dict[str, Any]) -> None: ...
    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[Inbox]: ...


class InProcessEventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Inbox]] = defaultdict(set)

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        for inbox in list(self._subscribers.get(channel, ())):
            inbox.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Inbox]:
        inbox = Inbox()
        self._subscribers[channel].add(inbox)
        try:
            yield inbox
        finally:
            self._subscribers[channel].discard(inbox)
            if not self._subscribers[channel]:
                del self._subscribers[channel]


class RedisEventBus:
    def __init__(self, client: Any) -> None:
        self.client = client  # redis.asyncio.Redis

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        try:
            await self.client.publish(f"wastecoach:{channel}", json.dumps(event))
        except Exception:
            # The transition is committed already; a missed event only makes listeners poll.
            metrics.ERRORS.labels("events").inc()
            log.warning("event bus unavailable; event not published", exc_info=True)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Inbox]:
        pubsub = self.client.pubsub()
        inbox = Inbox()
        try:
            await pubsub.subscribe(f"wastecoach:{channel}")
        except Exception:
            metrics.ERRORS.labels("events").inc()
            log.warning("event bus unavailable; the subscriber polls instead", exc_info=True)
            inbox.live = False
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            yield inbox
            return

        async def pump() -> None:
            try:
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        inbox.put_nowait(json.loads(message["data"]))
            except Exception:
                log.warning("event bus subscription lost; the subscriber polls instead", exc_info=True)
            # Wakes the reader, which sees live = False from now on.
            inbox.live = False
            inbox.put_nowait({})

        task = asyncio.create_task(pump())
        try:
            yield inbox
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            with contextlib.suppress(Exception):
                await pubsub.aclose()
