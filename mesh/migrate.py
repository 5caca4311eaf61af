"""Alembic driven from code: each service keeps its own migrations folder and version table."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from mesh.db import create_engine


def _config(url: str, migrations_dir: Path, version_table: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["version_table"] = version_table
    return cfg


def upgrade(url: str, migrations_dir: Path, version_table: str, revision: str = "head") -> None:
    """Blocking; call it from a thread when an event loop is running."""
    command.upgrade(_config(url, migrations_dir, version_table), revision)


async def upgrade_async(url: str, migrations_dir: Path, version_table: str) -> None:
    await asyncio.to_thread(upgrade, url, migrations_dir, version_table)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's `migrations/env.py`: online migrations over the async engine."""
    cfg = context.config
    url = cfg.get_main_option("sqlalchemy.url")
    version_table = cfg.attributes.get("version_table", "alembic_version")

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(main())
