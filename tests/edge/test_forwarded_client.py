"""The sign-in limit counts the phone behind the ingress; X-Forwarded-For counts only from a trusted peer.

Served by the real EdgeServer (uvicorn's proxy-headers handling lives in the server, not the app).
"""

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from edge.app import create_app
from edge.clients import connect
from edge.serving import EdgeServer
from edge.settings import EdgeSettings
from mesh.events import InProcessEventBus
from mesh.settings import MeshSettings, read_env

PHONE = "203.0.113.7"


class RecordingLimiter:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def hit(self, key: str, limit: int) -> int:
        self.keys.append(key)
        return 60  # refused: the route stops here, before any gRPC call


async def _limited_keys(data_dir: Path, settings: EdgeSettings) -> list[str]:
    limiter = RecordingLimiter()
    mesh = MeshSettings(data_dir=data_dir)
    app = create_app(mesh, settings, connect(mesh), InProcessEventBus(), limiter)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = EdgeServer(app, lifespan="on")
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done(), task.result()
            await asyncio.sleep(0.02)
        port = sock.getsockname()[1]
        async with httpx.AsyncClient(timeout=10) as http:
            reply = await http.get(
                f"http://127.0.0.1:{port}/api/v1/auth/kakao/authorize",
                headers={"X-Forwarded-For": PHONE},
            )
        assert reply.status_code == 429, reply.text
    finally:
        server.should_exit = True
        await task
    return limiter.keys


async def test_the_limit_keys_on_the_forwarded_client_when_the_proxy_is_trusted(tmp_path, monkeypatch):
    # As the chart sets it: the ConfigMap's variable, here naming the peer the test connects from.
    monkeypatch.setenv("WASTECOACH_FORWARDED_ALLOW_IPS", "127.0.0.0/8")
    assert await _limited_keys(tmp_path, read_env(EdgeSettings)) == [f"authorize:{PHONE}"]


@pytest.mark.parametrize("trusted", ["10.0.0.0/8", "192.0.2.1"])
async def test_the_header_is_ignored_from_an_untrusted_peer(tmp_path, trusted):
    # A client on the internet could otherwise claim any address and never hit the limit.
    settings = EdgeSettings(forwarded_allow_ips=trusted)
    assert await _limited_keys(tmp_path, settings) == ["authorize:127.0.0.1"]


def test_loopback_only_by_default():
    assert EdgeSettings.model_fields["forwarded_allow_ips"].default == "127.0.0.1"
