"""Edge overhead: the same call through REST→gRPC vs straight gRPC, in one run.

Target: edge overhead (REST p50 − gRPC p50) < 1 ms.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx

import svc_auth.component
import svc_users.component
from bench.common import line, machine, summary
from edge.app import create_app
from edge.clients import connect
from edge.settings import EdgeSettings
from mesh.events import InProcessEventBus
from mesh.grpc_channel import make_channel
from mesh.identity import user_metadata
from mesh.settings import MeshSettings, read_env
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from svc_auth.settings import AuthSettings

N = 2000
WARMUP = 200


async def main() -> None:
    settings = MeshSettings(data_dir=Path(tempfile.mkdtemp()) / "data", log_json=False)
    components = [
        svc_auth.component.build(settings, read_env(AuthSettings)),
        svc_users.component.build(settings),
    ]
    addresses = {}
    for component in components:
        await component.migrate()
        server = await component.start("127.0.0.1", 0, settings.identity_key())
        addresses[f"{component.name}_addr"] = f"127.0.0.1:{server.port}"
    wired = settings.model_copy(update=addresses)
    app = create_app(wired, read_env(EdgeSettings), connect(wired), InProcessEventBus())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        login = (await http.post("/api/v1/auth/dev/login", json={"nickname": "bench"})).json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        me = (await http.get("/api/v1/users/me", headers=headers)).json()
        channel = make_channel(addresses["users_addr"], identity=settings.identity_key())
        stub = users_pb2_grpc.UsersServiceStub(channel)
        metadata = user_metadata(me["user_id"])

        async def grpc_call() -> None:
            await stub.EnsureProfile(users_pb2.EnsureProfileRequest(nickname="bench"), metadata=metadata)

        async def rest_call() -> None:
            reply = await http.get("/api/v1/users/me", headers=headers)
            assert reply.status_code == 200

        async def floor_call() -> None:
            # No gRPC, no auth: what the in-process HTTP client and ASGI plumbing alone cost.
            reply = await http.get("/healthz")
            assert reply.status_code == 200

        calls = {
            "gRPC direct (baseline)": grpc_call,
            "REST via edge (ASGI, no socket)": rest_call,
            "HTTP client floor: GET /healthz": floor_call,
        }
        for call in calls.values():
            for _ in range(WARMUP):
                await call()
        # Interleaved, so a noisy neighbour on a shared VM slows all three alike, not one phase.
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(N):
            for name, call in calls.items():
                start = time.perf_counter()
                await call()
                samples[name].append(time.perf_counter() - start)
        results = {name: summary(values) for name, values in samples.items()}
        await channel.close()
    for component in components:
        await component.stop(0)
    base, edge, floor = results.values()
    print(f"# edge overhead — {machine()}")
    for name, stats in results.items():
        print(line(name, stats))
    overhead = edge["p50_ms"] - base["p50_ms"]
    print(
        f"edge overhead p50 {overhead:.3f} ms (target < 1 ms: {'met' if overhead < 1 else 'NOT met'}); "
        f"ratio p50 {edge['p50_ms'] / base['p50_ms']:.2f}x, p99 {edge['p99_ms'] / base['p99_ms']:.2f}x"
    )
    print(
        f"of which the HTTP client + ASGI floor p50 {floor['p50_ms']:.3f} ms; "
        f"edge work net of it (auth, routing, validation, JSON) p50 {overhead - floor['p50_ms']:.3f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
