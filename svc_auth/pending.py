"""Started sign-ins, kept in the cache (Redis in production) until their callback takes them.

The cache forgets a state by itself when its lifetime ends: an anonymous `/authorize` writes no
database row, and abandoned sign-ins need no sweeping. Taking is atomic (one callback per state).
A cache that cannot answer makes sign-in unavailable rather than the state look unknown.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import datetime

from mesh.cache import Cache, CacheUnavailable
from mesh.errors import Unavailable
from svc_auth.flow import PendingSignIn


def _key(state_hash: str) -> str:
    return f"oauth-state:{state_hash}"


class PendingSignIns:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    async def save(self, pending: PendingSignIn, now: datetime) -> None:
        body = {**asdict(pending), "expires_at": pending.expires_at.isoformat()}
        ttl_s = math.ceil((pending.expires_at - now).total_seconds())
        try:
            await self.cache.set(_key(pending.state_hash), json.dumps(body).encode(), ttl_s, strict=True)
        except CacheUnavailable as exc:
            raise Unavailable("sign-in cannot start right now; try again shortly") from exc

    async def take(self, state_hash: str) -> PendingSignIn | None:
        try:
            raw = await self.cache.take(_key(state_hash))
        except CacheUnavailable as exc:
            raise Unavailable("sign-in cannot finish right now; try again shortly") from exc
        if raw is None:
            return None
        body = json.loads(raw)
        return PendingSignIn(**{**body, "expires_at": datetime.fromisoformat(body["expires_at"])})
