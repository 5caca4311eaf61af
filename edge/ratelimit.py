"""Per-user rate limits on scan submissions (fixed one-minute windows).

If Redis is unreachable the limiter lets requests through (fails open): a coaching app should
keep working when its limiter's store is down; the error is counted and logged.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from mesh import metrics

log = logging.getLogger(__name__)
WINDOW_S = 60


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int) -> int:
        """Returns 0 when allowed, else the seconds to wait."""
        ...


class InProcessRateLimiter:
    def __init__(self, clock=time.time) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._clock = clock

    async def hit(self, key: str, limit: int) -> int:
        now = self._clock()
        window = int(now // WINDOW_S)
        self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
        count = self._counts.get((key, window), 0) + 1
        self._counts[(key, window)] = count
        return 0 if count <= limit else max(1, int((window + 1) * WINDOW_S - now))


class RedisRateLimiter:
    def __init__(self, client: Any, clock=time.time) -> None:
        self.client = client
        self._clock = clock

    async def hit(self, key: str, limit: int) -> int:
        now = self._clock()
        window = int(now // WINDOW_S)
        name = f"wastecoach:rate:{key}:{window}"
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_S * 2)
                count, _ = await pipe.execute()
        except Exception:
            metrics.ERRORS.labels("ratelimit").inc()
            log.warning("rate limiter unavailable; allowing the request", exc_info=True)
            return 0
        return 0 if count <= limit else max(1, int((window + 1) * WINDOW_S - now))
