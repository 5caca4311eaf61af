"""Error kinds a domain raises; the gRPC server maps each to its status code in one place."""

from __future__ import annotations

import sqlite3

import grpc
from sqlalchemy import exc as sa_exc


class DomainError(Exception):
    code = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND


class Conflict(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Forbidden(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED


class Unavailable(DomainError):
    code = grpc.StatusCode.UNAVAILABLE


class TooMany(DomainError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


# asyncpg classes (by name, so this module does not import a driver): the server refuses or drops
# connections while it starts, stops or restarts.
_DRIVER_OUTAGES = {"PostgresConnectionError", "OperatorInterventionError", "ConnectionDoesNotExistError"}
# sqlite3 reports a missing table or bad SQL as OperationalError too: only these are passing states.
_SQLITE_PASSING = (
    "database is locked",
    "database table is locked",
    "unable to open database",
    "disk i/o error",
)


def is_outage(exc: BaseException) -> bool:
    """True when a backing store is unreachable right now: the caller should retry, not report a bug."""
    seen: BaseException | None = exc
    for _ in range(8):  # a bounded walk down the cause chain (chains can be long, never need to be)
        if seen is None:
            return False
        if isinstance(seen, sqlite3.Error):
            return any(state in str(seen).lower() for state in _SQLITE_PASSING)
        if isinstance(seen, sa_exc.DBAPIError) and isinstance(seen.orig, sqlite3.Error):
            return any(state in str(seen.orig).lower() for state in _SQLITE_PASSING)
        if isinstance(
            seen,
            (
                ConnectionError,
                TimeoutError,
                sa_exc.OperationalError,
                sa_exc.InterfaceError,
                sa_exc.DisconnectionError,
            ),
        ):
            return True
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, grpc.RpcError) and callable(code := getattr(seen, "code", None)):
            if code() == grpc.StatusCode.UNAVAILABLE:  # the service (or what it needs) is down
                return True
        if _DRIVER_OUTAGES & {cls.__name__ for cls in type(seen).__mro__}:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
