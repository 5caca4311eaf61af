"""Fixtures for svc_locations: repositories on SQLite and on a throwaway real PostgreSQL database.

PostgreSQL is never skipped: if it is down, the tests fail and say so (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mesh.db import create_engine
from mesh.migrate import upgrade_async
from svc_locations.component import MIGRATIONS, VERSION_TABLE
from svc_locations.repo import LocationsRepo
from tests.conftest import create_pg_database, drop_pg_database

from .fake_kakao import FakeKakao, start

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT.parent / "shared" / "locations"


@pytest.fixture(scope="session")
def data_folder() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"the real locations data is expected at {DATA}")
    return DATA


@pytest.fixture(scope="session")
async def pg_locations_url() -> AsyncIterator[str]:
    """One throwaway database per session, migrated; dropped afterwards."""
    name, url = await create_pg_database("wc_loc")
    await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
    yield url
    await drop_pg_database(name)


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
