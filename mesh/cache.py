"""A small byte cache: in-process LRU on the embedded default, Redis in production.

A cache failure never fails a request: the caller falls back to the database. Where a miss and a
failure must not look alike (a security check, a one-time secret), `strict=True` and `take` raise
CacheUnavailable instead.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Protocol

from mesh import metrics

log = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The cache store did not answer (raised only by strict calls and `take`)."""


class Cache(Protocol):
    async def get(self, key: str, *, strict: bool = False) -> bytes | None: ...
    async def get_many(self, *keys: str) -> list[bytes | None]:
        """Several values in one round trip; raises CacheUnavailable when the store did not answer."""
        ...

    async def set(self, key: str, value: bytes, ttl_s: int, *, strict: bool = False) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def set_newer(self, key: str, value: bytes, version: int, ttl_s: int) -> bool:
        """Stores value unless a higher version of it is stored already (writers that race leave
        the newest); False when it was older. Best effort, like set."""
        ...

    async def take(self, key: str) -> bytes | None:
        """Reads and deletes in one step: of two concurrent takers only one gets the value."""
        ...


class InProcessCache:
    def __init__(self, max_items: int = 10_000) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._max = max_items

    async def get(self, key: str, *, strict: bool = False) -> bytes | None:
        hit = self._items.get(key)
        if hit is None or hit[0] <= time.monotonic():
            self._items.pop(key, None)
            return None
        self._items.move_to_end(key)
        return hit[1]

    async def get_many(self, *keys: str) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def take(self, key: str) -> bytes | None:
        value = await self.get(key)
        self._items.pop(key, None)
        return value

    async def set(self, key: str, value: bytes, ttl_s: int, *, strict: bool = False) -> None:
        self._items[key] = (time.monotonic() + ttl_s, value)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._items.pop(key, None)

    async def set_newer(self, key: str, value: bytes, version: int, ttl_s: int) -> bool:
        # One thread, no await in between: the check and the write are one step.
        if self._versions.get(key, -1) > version:
            return False
        await self.set(key, value, ttl_s)
        self._versions[key] = version
        if len(self._versions) > 2 * self._max:
            self._versions = {k: v for k, v in self._versions.items() if k in self._items}
        return True


# KEYS: the value's key, its version's key. ARGV: value, version, ttl. The check and both writes are
# one step on the server, so of two racing writers the higher version stays.
_SET_NEWER = """
local stored = tonumber(redis.call('GET', KEYS[2]))
if stored and stored > tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
"""


class RedisCache:
    def __init__(self, client: Any, prefix: str = "wastecoach:cache:") -> None:
        self.client = client  # redis.asyncio.Redis
        self.prefix = prefix

    async def get(self, key: str, *, strict: bool = False) -> bytes | None:
        try:
            return await self.client.get(self.prefix + key)
        except Exception as exc:
            metrics.ERRORS.labels("cache").inc()
            if strict:
                raise CacheUnavailable(str(exc)) from exc
            log.warning("cache read failed; falling back to the database", exc_info=True)
            return None

    async def get_many(self, *keys: str) -> list[bytes | None]:
        try:
            return await self.client.mget([self.prefix + key for key in keys])
        except Exception as exc:
            metrics.ERRORS.labels("cache").inc()
            raise CacheUnavailable(str(exc)) from exc

    async def take(self, key: str) -> bytes | None:
        try:
            return await self.client.getdel(self.prefix + key)  # Redis >= 6.2
        except Exception as exc:
            metrics.ERRORS.labels("cache").inc()
            raise CacheUnavailable(str(exc)) from exc

    async def set(self, key: str, value: bytes, ttl_s: int, *, strict: bool = False) -> None:
        if ttl_s <= 0:
            return  # expired already (Redis refuses EX 0)
        try:
            await self.client.set(self.prefix + key, value, ex=ttl_s)
        except Exception as exc:
            metrics.ERRORS.labels("cache").inc()
            if strict:
                raise CacheUnavailable(str(exc)) from exc
            log.warning("cache write failed", exc_info=True)

    async def set_newer(self, key: str, value: bytes, version: int, ttl_s: int) -> bool:
        if ttl_s <= 0:
            return False
        full = self.prefix + key
        try:
            # Both keys on one Redis (not a cluster), as every key of this cache is.
            return bool(await self.client.eval(_SET_NEWER, 2, full, full + ":version", value, version, ttl_s))
        except Exception:
            metrics.ERRORS.labels("cache").inc()
            log.warning("cache write failed", exc_info=True)
            return False

    async def delete(self, *keys: str) -> None:
        try:
            if keys:
                await self.client.delete(*(self.prefix + k for k in keys))
        except Exception:
            metrics.ERRORS.labels("cache").inc()
            log.warning("cache delete failed", exc_info=True)
