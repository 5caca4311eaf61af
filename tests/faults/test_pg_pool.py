"""The PostgreSQL pool when the server goes away: a connection the server closed is replaced at the
next checkout, an idle one is pinged first; a query already running fails once as an outage
(UNAVAILABLE upstream), also on the raw driver connection the nearest-drop-off search uses."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import text

from mesh import db
from mesh.errors import is_outage
from tests.conftest import PG_ADMIN, create_pg_database, drop_pg_database
from tests.faults.conftest import pg_ctl


async def _backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def _raw_backend_pid(engine) -> int:
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        return await driver.fetchval("SELECT pg_backend_pid()")


@pytest.fixture
async def pg_url():
    name, url = await create_pg_database("wc_pool")
    yield url
    await drop_pg_database(name)


async def test_idle_connections_are_pinged_and_replaced_after_a_restart(monkeypatch, pg_url):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.5)
    engine = db.create_engine(pg_url, pool_size=1, max_overflow=0)
    pings = []
    real_ping = engine.sync_engine.dialect.do_ping
    monkeypatch.setattr(engine.sync_engine.dialect, "do_ping", lambda c: pings.append(1) or real_ping(c))
    try:
        first = await _backend_pid(engine)
        assert await _backend_pid(engine) == first
        assert pings == []  # used moments ago: no round trip before the query
        await asyncio.sleep(0.6)
        assert await _backend_pid(engine) == first
        assert len(pings) == 1  # idle past the window: pinged (alive, kept)

        await asyncio.to_thread(pg_ctl, "restart")
        await asyncio.sleep(0.6)  # the checkout finds it closed (or its ping fails) and reconnects
        assert await _backend_pid(engine) != first

        busy = await _backend_pid(engine)
        await asyncio.to_thread(pg_ctl, "restart")
        monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)  # as if used a moment ago: no ping
        # The driver saw the server close the socket: replaced at checkout, for free, no error.
        assert await _backend_pid(engine) != busy
    finally:
        await engine.dispose()


async def test_a_connection_killed_under_raw_driver_use_is_replaced_at_the_next_checkout(monkeypatch, pg_url):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)  # never idle long enough to be pinged
    engine = db.create_engine(pg_url, pool_size=1, max_overflow=0)
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        victim = await _raw_backend_pid(engine)
        await admin.execute("SELECT pg_terminate_backend($1)", victim)
        with pytest.raises(Exception) as failed:  # SQLAlchemy never sees this error, so it can't
            await _raw_backend_pid(engine)  # invalidate the connection itself
        assert is_outage(failed.value)
        # The driver knows the connection is closed: the next checkout replaces it, no ping needed.
        assert await _raw_backend_pid(engine) != victim
        assert await _raw_backend_pid(engine) != victim
    finally:
        await admin.close()
        await engine.dispose()
