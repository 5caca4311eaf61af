"""The edge over real gRPC to auth, users and waste in-process; coach and locations are left down
on purpose, so the edge's behaviour with a dead upstream is visible too."""

import socket
from dataclasses import dataclass

import httpx
import pytest

import svc_auth.component
import svc_users.component
import svc_waste.component
from edge.app import create_app
from edge.clients import connect
from edge.ratelimit import InProcessRateLimiter
from mesh.events import InProcessEventBus
from mesh.jobs import InProcessBroker
from wastecoach.settings import AllSettings


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EdgeEnv:
    http: httpx.AsyncClient
    broker: InProcessBroker
    settings: AllSettings

    async def login(self, nickname: str) -> dict[str, str]:
        reply = await self.http.post("/api/v1/auth/dev/login", json={"nickname": nickname})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}


@pytest.fixture
async def edge_env(data_dir):
    settings = AllSettings(data_dir=data_dir, scan_rate_per_minute=5)
    broker = InProcessBroker()
    events = InProcessEventBus()
    components = [
        svc_auth.component.build(settings),
        svc_users.component.build(settings),
        svc_waste.component.build(settings, publisher=broker, events=events),
    ]
    addresses = {}
    for component in components:
        await component.migrate()
        server = await component.start("127.0.0.1", 0)
        addresses[f"{component.name}_addr"] = f"127.0.0.1:{server.port}"
    dead = f"127.0.0.1:{_dead_port()}"
    wired = settings.model_copy(
        update={**addresses, "coach_addr": dead, "locations_addr": dead, "grpc_deadline_s": 2}
    )
    app = create_app(wired, connect(wired), events, InProcessRateLimiter())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        yield EdgeEnv(http, broker, wired)
    for component in reversed(components):
        await component.stop(0)
