"""Serving the edge with uvicorn so that a shutdown never waits on a client that stays.

Open server-sent event streams are told to end first (with a reconnect hint; clients resume with
Last-Event-ID), and whatever is still open after the grace period is cut.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn
from fastapi import FastAPI

from edge.context import edge_of

# Matches the pods' preStop + termination grace: streams end well within it.
DRAIN_GRACE_S = 5.0


class EdgeServer(uvicorn.Server):
    def __init__(self, app: FastAPI, **config: Any) -> None:
        edge = edge_of(app)
        config.setdefault("timeout_graceful_shutdown", DRAIN_GRACE_S)
        # Idle connections outlive the load balancer's: it never sends on one this server has closed.
        config.setdefault("timeout_keep_alive", edge.settings.http_keepalive_s)
        # The client address (rate limits, logs) comes from X-Forwarded-For only when a trusted proxy sent it.
        config.setdefault("proxy_headers", True)
        config.setdefault("forwarded_allow_ips", edge.settings.forwarded_allow_ips)
        super().__init__(uvicorn.Config(app, log_config=None, access_log=False, **config))
        self.app = app
        self.draining = edge.draining
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def drain(self) -> None:
        self.draining.set()

    def handle_exit(self, sig: int, frame: Any) -> None:
        # Runs in the signal handler: hand the event to the loop rather than touch it from here.
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.drain)
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.drain()
        await super().shutdown(sockets)
