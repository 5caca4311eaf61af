"""What the edge was built with, in one typed holder that edge/app.py `create_app` sets once.

Routes take its parts through the dependencies in edge/deps.py; the plain ASGI middleware (fast
polls, the body gate) is handed it when it is added, so a request looks nothing up by name.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.applications import Starlette

from edge.auth import TokenVerifier
from edge.clients import Clients
from edge.ratelimit import RateLimiter
from edge.rendered import RenderedBodies
from edge.settings import EdgeSettings
from mesh.cache import Cache
from mesh.events import EventBus
from mesh.settings import MeshSettings


@dataclass(frozen=True, slots=True)
class EdgeContext:
    mesh: MeshSettings
    settings: EdgeSettings
    clients: Clients
    events: EventBus
    limiter: RateLimiter
    # Shared across edge replicas (Redis in production): published scans, deleted accounts.
    cache: Cache
    verifier: TokenVerifier
    # Set when the server starts shutting down: open event streams end with a reconnect hint.
    draining: asyncio.Event
    rendered: RenderedBodies = field(default_factory=RenderedBodies)


def attach(app: Starlette, edge: EdgeContext) -> None:
    app.state.edge = edge


def edge_of(app: Starlette) -> EdgeContext:
    return app.state.edge
