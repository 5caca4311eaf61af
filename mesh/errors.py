"""Error kinds a domain raises; the gRPC server maps each to its status code in one place."""

from __future__ import annotations

import grpc


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
