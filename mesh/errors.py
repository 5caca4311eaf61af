"""Error kinds a domain raises; the gRPC server maps each to its status code in one place."""

from __future__ import annotations

import sqlite3

import grpc
from sqlalchemy import exc as sa_exc


class DomainError(Exception):
    code = grpc.StatusCode.UNKNOWN
    # Sent with the status as trailing metadata.
    metadata: tuple[tuple[str, str], ...] = ()

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

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        if not retry:
            # Channels retry UNAVAILABLE by themselves; a negative pushback (gRPC A6) stops that for a
            # call that used up what a second attempt would need.
            self.metadata = (("grpc-retry-pushback-ms", "-1"),)


class TooMany(DomainError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


# asyncpg classes (by name, so this module does not import a driver): the server refuses or drops
# connections while it starts, stops or restarts (SQLSTATE class 08, 57P01-57P03).
_DRIVER_OUTAGES = {
    "PostgresConnectionError",
    "AdminShutdownError",
    "CrashShutdownError",
    "CannotConnectNowError",
    "ConnectionDoesNotExistError",
}
# A statement timeout or cancel (57014) is about the query, not the server: retrying it 40 times
# would only repeat the slow query.
_DRIVER_NOT_OUTAGES = {"QueryCanceledError"}
# sqlite3 reports a missing table or bad SQL as OperationalError too: only these are passing states.
_SQLITE_PASSING = (
    "database is locked",
    "database table is locked",
    "unable to open database",
    "disk i/o error",
)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it (explicit cause, or context unless suppressed), bounded."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8 and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    return chain


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def is_outage(exc: BaseException) -> bool:
    """True when a backing store is unreachable right now: the caller should retry, not report a bug."""
    chain = _chain(exc)
    # The driver's own error decides first: wrappers (SQLAlchemy's OperationalError) are too broad.
    for seen in chain:
        driver = seen.orig if isinstance(seen, sa_exc.DBAPIError) else seen
        if isinstance(driver, sqlite3.Error):
            return any(state in str(driver).lower() for state in _SQLITE_PASSING)
        if _DRIVER_NOT_OUTAGES & (_names(seen) | _names(driver)):
            return False
    for seen in chain:
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
        names = _names(seen)
        if _DRIVER_OUTAGES & names:
            return True
        # asyncpg raises its InterfaceError on a connection the server already closed.
        if "InterfaceError" in names and "connection is closed" in str(seen):
            return True
    return False
