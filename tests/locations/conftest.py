"""Fixtures for svc_locations: repositories on SQLite and on a throwaway real PostgreSQL database.

PostgreSQL is never skipped: if it is down, the tests fail and say so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from mesh.db import create_engine
from mesh.migrate import upgrade_async
from svc_locations.component import MIGRATIONS, VERSION_TABLE
from svc_locations.repo import LocationsRepo

from .fake_kakao import FakeKakao, start

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT.parent / "shared" / "locations"
PG_ADMIN = os.environ.get("WASTECOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(PG_ADMIN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc} (start it; see README)")


@pytest.fixture(scope="session")
def data_folder() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"the real locations data is expected at {DATA}")
    return DATA


@pytest.fixture(scope="session")
async def pg_locations_url() -> AsyncIterator[str]:
    """One throwaway database per session, migrated; dropped afterwards."""
    name = f"wc_loc_{uuid.uuid4().hex[:10]}"
    admin = await _admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
    yield url
    admin = await _admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def sqlite_locations_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('locations') / 'locations.sqlite3'}"
    await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
    return url


async def make_repo(url: str) -> tuple[LocationsRepo, object]:
    engine = create_engine(url)
    return LocationsRepo(engine), engine


@pytest.fixture
async def sqlite_repo(tmp_path: Path) -> AsyncIterator[LocationsRepo]:
    """A fresh, migrated SQLite database per test (cheap: one file)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'locations.sqlite3'}"
    await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
    repo, engine = await make_repo(url)
    yield repo
    await engine.dispose()


@pytest.fixture
async def pg_repo(pg_locations_url: str) -> AsyncIterator[LocationsRepo]:
    """The session's PostgreSQL database, emptied before each test that uses it."""
    repo, engine = await make_repo(pg_locations_url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("DELETE FROM dropoffs")
    yield repo
    await engine.dispose()


@pytest.fixture
def fake_kakao() -> Iterator[FakeKakao]:
    fake = FakeKakao(key="test-rest-key")
    server = start(fake)
    yield fake
    server.shutdown()
    server.server_close()
