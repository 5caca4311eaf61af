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
from mesh.migrate import upgrade_async
from svc_locations import domain
from svc_locations.component import MIGRATIONS, VERSION_TABLE
from svc_locations.repo import LocationsRepo
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
        # Killed mid-query: the query fails as an outage. SQLAlchemy never sees this error (raw
        # driver use), so only the checkout can notice the connection is gone.
        running = asyncio.create_task(_raw_query(engine, "SELECT pg_sleep(5)"))
        await asyncio.sleep(0.3)
        await admin.execute("SELECT pg_terminate_backend($1)", victim)
        with pytest.raises(Exception) as failed:
            await running
        assert is_outage(failed.value)
        second = await _raw_backend_pid(engine)
        assert second != victim

        # Killed while idle in the pool: replaced at checkout, no error at all.
        await admin.execute("SELECT pg_terminate_backend($1)", second)
        await asyncio.sleep(0.3)  # the server's goodbye reaches the client
        assert await _raw_backend_pid(engine) not in (victim, second)
    finally:
        await admin.close()
        await engine.dispose()


async def _raw_query(engine, sql: str) -> None:
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        await driver.execute(sql)


async def test_the_nearest_search_reports_a_dropped_connection_as_an_outage(pg_url):
    await upgrade_async(pg_url, MIGRATIONS, VERSION_TABLE)
    engine = db.create_engine(pg_url, pool_size=1, max_overflow=0)
    repo = LocationsRepo(engine)
    query = domain.nearby_query(37.5665, 126.978, "glass", 2000, 5)
    admin = await asyncpg.connect(PG_ADMIN)
    outcomes = []
    try:
        for _ in range(5):  # the server's goodbye races the next query: either way, no bug surfaces
            await repo.find_nearby(query)
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            try:
                await repo.find_nearby(query)
                outcomes.append("replaced")
            except Exception as exc:
                assert is_outage(exc), repr(exc)
                outcomes.append("outage")
            assert await repo.find_nearby(query) == []  # healed
    finally:
        await admin.close()
        await engine.dispose()
    print("nearest after a dropped connection:", outcomes)
