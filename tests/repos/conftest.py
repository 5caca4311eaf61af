import pytest

from mesh.db import create_engine, session_factory
from mesh.migrate import upgrade_async


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """Each repository test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'repo.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sessions_for(db_url):
    engines = []

    async def make(migrations, version_table):
        await upgrade_async(db_url, migrations, version_table)
        engine = create_engine(db_url)
        engines.append(engine)
        return session_factory(engine)

    yield make
    for engine in engines:
        engine.sync_engine.dispose()
