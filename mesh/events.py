"""Status-change fan-out for server-sent events: in-process on the embedded default, Redis pub/sub otherwise.

A subscription is an asyncio.Queue, so a reader can wait on it with a timeout safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

Inbox = asyncio.Queue


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
        inbox: Inbox = asyncio.Queue()
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
        await self.client.publish(f"wastecoach:{channel}", json.dumps(event))

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Inbox]:
        pubsub = self.client.pubsub()
        await pubsub.subscribe(f"wastecoach:{channel}")
        inbox: Inbox = asyncio.Queue()

        async def pump() -> None:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    inbox.put_nowait(json.loads(message["data"]))

        task = asyncio.create_task(pump())
        try:
            yield inbox
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await pubsub.unsubscribe()
            await pubsub.aclose()
