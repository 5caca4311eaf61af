"""Which failures count as a backing-store outage (UNAVAILABLE) rather than a bug (UNKNOWN)."""

import sqlite3

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from mesh.errors import is_outage


def _hidden(inner: BaseException) -> BaseException:
    """A bug raised while handling an outage, with the outage explicitly suppressed (`from None`)."""
    try:
        try:
            raise inner
        except BaseException:
            raise KeyError("scan_id") from None
    except KeyError as outer:
        return outer


def _wrapped(inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as cause:
            raise RuntimeError("while saving a scan") from cause
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")),
        _wrapped(ConnectionResetError()),
        asyncpg.exceptions.InterfaceError("cannot call Connection.fetchval(): connection is closed"),
    ],
)
def test_unreachable_database_is_an_outage(exc):
    assert is_outage(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad category"),
        FileNotFoundError("image missing"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        sa_exc.OperationalError("SELECT * FROM scans", {}, sqlite3.OperationalError("no such table: scans")),
        _wrapped(KeyError("scan_id")),
        _hidden(ConnectionResetError()),
        _wrapped(asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout")),
        sa_exc.OperationalError(
            "SELECT pg_sleep(9)", {}, asyncpg.exceptions.QueryCanceledError("statement timeout")
        ),
    ],
)
def test_bugs_and_bad_data_are_not_outages(exc):
    assert not is_outage(exc)
