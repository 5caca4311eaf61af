"""Polls of a published scan, answered ahead of FastAPI's routing and dependency solving.

A crowd of apps polls `GET /api/v1/scans/{id}` every 0.5 s, and FastAPI's route matching and
dependency solving cost more than the rest of such a poll together (~0.4 ms of CPU). Here the same
checks run directly: the caller's token and deleted-account marker (as edge/deps.py `current_user`),
the scan the waste service published with its owner (edge/routes/scans.py `published`), both read
in one round trip, and the same answer (`poll_answer`).
Anything else (no token, a bad one, nothing published, someone else's scan, any error) goes on to
the route, which answers it as before: this path never answers differently, only sooner.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from edge.context import EdgeContext
from edge.deps import revoked_key, token_of
from edge.routes import scans
from edge.routes.scans import as_published, poll_answer

# The route's path with its ScanId rules (at most 64 characters, no NUL).
POLL_PATH = re.compile(r"/api/v1/scans/([^/\x00]{1,64})")


class FastPoll:
    def __init__(self, app: ASGIApp, edge: EdgeContext) -> None:
        self.app = app
        self.edge = edge
        self.route: BaseRoute = next(r for r in scans.router.routes if getattr(r, "name", "") == "get_scan")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = POLL_PATH.fullmatch(scope["path"])
            answer = await self._answer(scope, match.group(1)) if match else None
            if answer is not None:
                # Metrics (edge/app.py MeasureMiddleware) count it under the route's template.
                scope["route"] = self.route
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, scan_id: str) -> Response | None:
        headers = Headers(scope=scope)
        try:
            user = await self.edge.verifier.verify(token_of(headers.get("authorization", "")))
            # The deleted-account marker and the published scan in one round trip to the cache.
            revoked, cached = await self.edge.cache.get_many(revoked_key(user.user_id), f"scan:{scan_id}")
        except Exception:
            return None  # the route answers it, with its problem document
        scan = as_published(cached, user.user_id) if revoked is None else None
        if scan is None:
            return None
        return poll_answer(scan, headers.get("if-none-match"), self.edge.rendered)
