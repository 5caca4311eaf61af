"""Started sign-ins wait in the cache, in-process and on the real Redis: taken once, gone by
themselves when they expire, and never a database row."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis

from mesh.cache import InProcessCache, RedisCache
from mesh.errors import Unavailable
from svc_auth import domain, flow
from svc_auth.pending import PendingSignIns
from tests.conftest import REDIS_URL
from tests.faults.conftest import closed_port

CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.fixture(params=["in-process", "redis"])
async def cache(request):
    if request.param == "in-process":
        yield InProcessCache()
        return
    client = redis.from_url(REDIS_URL)
    yield RedisCache(client, prefix=f"wastecoach:test:{uuid.uuid4().hex}:")
    await client.aclose()


async def test_a_state_is_taken_once_and_expires_by_itself(cache):
    store = PendingSignIns(cache)
    now = datetime.now(UTC)
    state, pending = flow.start("kakao", "https://cb", "app://x", True, now, timedelta(minutes=10), CHALLENGE)
    await store.save(pending, now)
    assert await store.take(domain.hash_secret(state)) == pending
    assert await store.take(domain.hash_secret(state)) is None  # consumed
    # Saved with the state's lifetime: the store, not a sweep, forgets it.
    _, short = flow.start("naver", "https://cb", "", False, now, timedelta(seconds=2))
    await store.save(short, now)
    if isinstance(cache, RedisCache):
        assert 0 < await cache.client.ttl(f"{cache.prefix}oauth-state:{short.state_hash}") <= 2
    expired_state, expired = flow.start("google", "https://cb", "", True, now, timedelta(0))
    await store.save(expired, now)
    assert await store.take(domain.hash_secret(expired_state)) is None


async def test_a_cache_outage_makes_sign_in_unavailable_not_unknown():
    client = redis.from_url(f"redis://127.0.0.1:{closed_port()}/0", socket_connect_timeout=1)
    store = PendingSignIns(RedisCache(client))
    now = datetime.now(UTC)
    _, pending = flow.start("kakao", "https://cb", "", True, now, timedelta(minutes=10))
    with pytest.raises(Unavailable):
        await store.save(pending, now)
    with pytest.raises(Unavailable):
        await store.take(pending.state_hash)
    await client.aclose()
