"""Shared fixtures: throwaway PostgreSQL databases, settings, in-process gRPC services.

Real components are never skipped: if PostgreSQL, Redis or RabbitMQ is down, tests fail and say so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATASETS = SHARED / "datasets"
PG_ADMIN = os.environ.get("WASTECOACH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("WASTECOACH_TEST_REDIS", "redis://127.0.0.1:6379/0")
RABBIT_URL = os.environ.get("WASTECOACH_TEST_RABBIT", "amqp://guest:guest@127.0.0.1:5672/")


async def create_pg_database(prefix: str = "wc_test") -> tuple[str, str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc} (start it; see README)")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    host_part = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return name, f"{host_part}/{name}"


async def drop_pg_database(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    """One throwaway database per test session on the real PostgreSQL; dropped afterwards."""
    name, url = await create_pg_database()
    yield url
    await drop_pg_database(name)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _rabbitmqctl(*args: str) -> None:
    import subprocess

    result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        pytest.fail(f"rabbitmqctl {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")


@contextmanager
def _vhost() -> Iterator[str]:
    name = f"wc_test_{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield RABBIT_URL.rstrip("/") + "/" + name
    finally:
        _rabbitmqctl("delete_vhost", name)


@pytest.fixture
def rabbit_vhost_url():
    """A fresh RabbitMQ vhost per test: durable queues of one test never leak into another."""
    with _vhost() as url:
        yield url


@pytest.fixture(scope="session")
def rabbit_session_vhost_url():
    """One vhost for the session, for tests that tell their messages apart by their own ids
    (a vhost costs seconds of rabbitmqctl: one per edge test would double the suite's time)."""
    with _vhost() as url:
        yield url


@pytest.fixture(params=["embedded", "production"])
def edge_backends(request):
    """Each edge and sign-in test runs on the embedded default and on PostgreSQL + Redis + RabbitMQ."""
    from tests.edge_stack import Backends  # the stack imports this module's database helpers

    if request.param == "embedded":
        return Backends()
    return Backends(
        database_url=request.getfixturevalue("edge_pg_url"),
        redis_url=REDIS_URL,
        rabbit_url=request.getfixturevalue("rabbit_session_vhost_url"),
    )


@pytest.fixture(scope="session")
async def edge_pg_url() -> AsyncIterator[str]:
    """One database for the session's edge stacks: each stack empties its tables first (a database
    per test costs a second to create, migrate and drop)."""
    name, url = await create_pg_database("wc_edge")
    yield url
    await drop_pg_database(name)
