"""The production rate limiter on the real Redis: it limits per key and per minute, and edge
replicas share one count (its failing open when Redis is down is in tests/faults)."""

import uuid

import redis.asyncio as redis

from edge.ratelimit import WINDOW_S, RedisRateLimiter
from tests.conftest import REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0 + 1  # one second into a window

    def __call__(self) -> float:
        return self.now


async def test_redis_limiter_limits_per_key_and_window_across_replicas():
    clock = Clock()
    clients = [redis.from_url(REDIS_URL), redis.from_url(REDIS_URL)]
    replicas = [RedisRateLimiter(client, clock=clock) for client in clients]
    key, other = f"scan:{uuid.uuid4().hex}", f"scan:{uuid.uuid4().hex}"
    try:
        waits = [await replicas[i % 2].hit(key, 3) for i in range(5)]
        assert waits == [0, 0, 0, WINDOW_S - 1, WINDOW_S - 1]
        assert await replicas[0].hit(other, 3) == 0  # each key counts alone
        clock.now += WINDOW_S - 1  # the next window
        assert await replicas[1].hit(key, 3) == 0
        # The counters expire by themselves: Redis does not fill up with old windows.
        ttls = [await clients[0].ttl(name) async for name in clients[0].scan_iter(match=f"*{key}*")]
        assert len(ttls) == 2 and all(0 < ttl <= 2 * WINDOW_S for ttl in ttls)
    finally:
        for client in clients:
            await client.aclose()
