"""Admission control: when the system is saturated, a sign-in or a scan submission is refused at
once with 503 and Retry-After, instead of queueing behind the others until the 10 s gRPC deadline
turns it into a timeout. Work already admitted runs to the end.

Each edge process admits at most a set number of each kind at a time; the limits are per process,
so replicas add up. Everything else (polls, history, search) is cheap and never held back here.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from edge import errors
from mesh import metrics

# Seconds a refused client waits before it tries again.
RETRY_AFTER_S = 2


def kind_of(method: str, path: str) -> str | None:
    if method != "POST":
        return None
    if path == "/api/v1/scans":
        return "submission"
    if path.startswith("/api/v1/auth/"):
        return "sign_in"
    return None


class Admission:
    def __init__(self, app: ASGIApp, limits: dict[str, int]) -> None:
        self.app = app
        self.limits = limits
        self.inflight = dict.fromkeys(limits, 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = kind_of(scope.get("method", ""), scope.get("path", "")) if scope["type"] == "http" else None
        if kind is None or kind not in self.limits:
            await self.app(scope, receive, send)
            return
        if self.inflight[kind] >= self.limits[kind]:
            metrics.ERRORS.labels("overload").inc()
            language = Headers(scope=scope).get("accept-language", "")
            refusal = errors.localized_problem(
                language, 503, "overloaded", headers={"Retry-After": str(RETRY_AFTER_S)}
            )
            await refusal(scope, receive, send)
            return
        self.inflight[kind] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight[kind] -= 1
