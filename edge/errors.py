"""Errors as application/problem+json (RFC 9457); the gRPC-status → HTTP-status map lives here only."""

from __future__ import annotations

import logging
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from edge import problem_texts
from edge.schemas import Problem
from mesh import metrics

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
# Seconds a client waits before retrying a 503 (an internal service or a provider is down).
RETRY_UNAVAILABLE_S = 5

GRPC_TO_HTTP: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.OUT_OF_RANGE: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
    # Too slow is a busy system, not a broken one: 503 with Retry-After, never a bare 504.
    grpc.StatusCode.DEADLINE_EXCEEDED: 503,
    grpc.StatusCode.CANCELLED: 503,
}
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for problem+json answers (the contract the app codes against);
    edge/openapi.py files them under application/problem+json."""
    return {status: {"description": _TITLES.get(status, "Error"), "model": Problem} for status in statuses}


# What any /api/v1 operation may answer besides its success: the caller's mistakes (4xx; 400 is a
# body that does not parse, 413 one over the route's limit) and an internal service that is down or
# slow (502/503, never 500).
API_ERRORS = problem_responses(400, 401, 403, 404, 409, 413, 422, 429, 502, 503)


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "code": code or problem_texts.BY_STATUS.get(status, "internal_error"),
        "detail": detail,
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def localized_problem(
    accept_language: str,
    status: int,
    code: str,
    *,
    english: str | None = None,
    args: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """The problem with its detail in the caller's language; `english`, where given, is the detail
    as it was worded where it arose (a service's own words), used as is for English."""
    language = problem_texts.error_language(accept_language)
    generic = problem_texts.BY_STATUS.get(status, "internal_error")
    detail = (
        (english if language == "en" else None)
        or problem_texts.text(code, language, args)
        or problem_texts.text(generic, language)  # a code without texts here: the status's words
        or english
    )
    return problem(status, detail or "", code=code, headers=headers, **extra)


class ApiError(Exception):
    """Raised by routes for a problem the edge itself detects: `code` names its texts in
    edge/problem_texts.py (filled from `args`); a plain sentence works too, under the status's code."""

    def __init__(
        self,
        status: int,
        code: str,
        headers: dict[str, str] | None = None,
        *,
        args: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        known = code in problem_texts.TEXTS
        english = problem_texts.text(code, "en", args) if known else code
        super().__init__(english)
        self.status, self.headers, self.args_, self.extra = status, headers, args, extra
        self.code = code if known else problem_texts.BY_STATUS.get(status, "invalid_request")
        self.detail = english or code


def _accept_language(request: Request) -> str:
    return request.headers.get("accept-language", "")


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return localized_problem(
            _accept_language(request),
            exc.status,
            exc.code,
            english=exc.detail,
            args=exc.args_,
            headers=exc.headers,
            **exc.extra,
        )

    @app.exception_handler(grpc.aio.AioRpcError)
    async def rpc_error(request: Request, exc: grpc.aio.AioRpcError) -> JSONResponse:
        status = GRPC_TO_HTTP.get(exc.code(), 502)
        if status >= 500:
            metrics.ERRORS.labels("upstream").inc()
            log.warning("upstream call failed", extra={"code": exc.code().name, "path": request.url.path})
        detail = exc.details() or exc.code().name.lower()
        code, args = problem_texts.code_of_detail(status, detail)
        if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
            code, args = "timeout", {}
        if status == 502:
            detail, code, args = "an internal service failed", "upstream_failed", {}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            # An outage (a sign-in provider, a database restarting) passes: say when to try again.
            headers = {"Retry-After": str(RETRY_UNAVAILABLE_S)}
        return localized_problem(
            _accept_language(request),
            status,
            code,
            english=detail,
            args=args,
            headers=headers,
            grpc_status=exc.code().name,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return localized_problem(
            _accept_language(request),
            422,
            "validation_failed",
            english="the request is not valid",
            errors=errors,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        status = exc.status_code
        return localized_problem(
            _accept_language(request),
            status,
            getattr(exc, "code", None) or problem_texts.BY_STATUS.get(status, "invalid_request"),
            english=str(exc.detail),
            args=getattr(exc, "args_", None),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        metrics.ERRORS.labels("edge").inc()
        log.exception("unhandled error", extra={"path": request.url.path})
        return localized_problem(_accept_language(request), 500, "internal_error")
