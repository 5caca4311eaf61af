"""The PostgreSQL pool after a server restart: an idle connection is pinged and replaced unseen;
one used moments before the restart fails once as an outage (UNAVAILABLE upstream), then heals."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from mesh import db
from mesh.errors import is_outage
from tests.conftest import create_pg_database, drop_pg_database
from tests.faults.test_pg_restart import _pg_ctl


async def _backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_idle_connections_are_pinged_and_replaced_after_a_restart(monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.5)
    name, url = await create_pg_database("wc_pool")
    engine = db.create_engine(url, pool_size=1, max_overflow=0)
    try:
        first = await _backend_pid(engine)
        # Used moments ago: no ping, so the same server process answers (no extra round trip).
        assert await _backend_pid(engine) == first

        await asyncio.to_thread(_pg_ctl, "restart")
        await asyncio.sleep(0.6)  # past the idle window: the checkout pings, finds it dead, reconnects
        assert await _backend_pid(engine) != first

        busy = await _backend_pid(engine)
        await asyncio.to_thread(_pg_ctl, "restart")
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)  # as if used a moment ago: no ping
        with pytest.raises(Exception) as failed:
            await _backend_pid(engine)
        assert is_outage(failed.value)  # surfaced as "unavailable, retry", never as a bug
        assert await _backend_pid(engine) != busy  # the pool was invalidated: the retry heals
    finally:
        await engine.dispose()
        await drop_pg_database(name)
