"""Request bodies are bounded, and read only for callers who may send them.

FastAPI reads a body before it runs any dependency, the sign-in check included: without this gate a
200 MB JSON with no token was read whole before its 401. Here, before the app sees the request:
a declared Content-Length over the route's limit is a 413; a body for a route that needs a
signed-in user waits until the caller's token checks out; and a body streamed without a
Content-Length is cut off with a 413 as soon as it passes the limit. Plain ASGI, so nothing reads
the body before the gate has decided.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge import errors
from edge.context import EdgeContext
from edge.deps import current_user

# Every JSON body of the API fits in a few KB: a question, a nickname, a token.
JSON_BODY_LIMIT = 64 * 1024
# Bodies that routes here take without a signed-in user (sign-in, refresh, logout).
PUBLIC_PREFIXES = ("/api/v1/auth/",)
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI passes it through its body parsing to the problem+json handler."""

    code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {_size(limit)}")
        self.args_ = {"size": _size(limit)}


class BodyGate:
    def __init__(
        self,
        app: ASGIApp,
        edge: EdgeContext,
        limits: dict[tuple[str, str], int] | None = None,
        default: int = JSON_BODY_LIMIT,
    ) -> None:
        self.app = app
        self.edge = edge
        self.limits = limits or {}  # (method, path) -> bytes, for routes that take more than JSON
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if (length is None or length == "0") and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return
        limit = self.limits.get((scope["method"], scope["path"]), self.default)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(headers, BodyTooLarge(limit))(scope, receive, send)
            return
        if not scope["path"].startswith(PUBLIC_PREFIXES):
            try:
                await current_user(self.edge, headers.get("authorization", ""))
            except Exception as exc:  # answered as the route's own sign-in dependency would be
                await (await _handled(scope["app"], scope, exc))(scope, receive, send)
                return

        received = 0

        async def capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped, watched)
        except BodyTooLarge as exc:  # read outside FastAPI's body parsing: answer it here
            if started:
                raise
            await _too_large(headers, exc)(scope, receive, send)


def _too_large(headers: Headers, exc: BodyTooLarge) -> Response:
    return errors.localized_problem(
        headers.get("accept-language", ""), 413, exc.code, english=str(exc.detail), args=exc.args_
    )


async def _handled(app: FastAPI, scope: Scope, exc: Exception) -> Response:
    for cls in type(exc).__mro__:
        handler = app.exception_handlers.get(cls)
        if handler is not None:
            return await handler(Request(scope), exc)
    raise exc


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
