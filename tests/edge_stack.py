"""The edge over real gRPC to auth, users and waste in-process; coach and locations are left down
on purpose, so the edge's behaviour with a dead upstream is visible too."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import grpc
import httpx
from jose import jwt

import svc_auth.component
import svc_users.component
import svc_waste.component
from edge.app import create_app
from edge.clients import connect
from edge.ratelimit import InProcessRateLimiter
from mesh.events import InProcessEventBus
from mesh.identity import system_metadata, user_metadata
from mesh.jobs import InProcessBroker
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
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

    @staticmethod
    def user_id(headers: dict[str, str]) -> str:
        return jwt.get_unverified_claims(headers["Authorization"].split()[1])["sub"]

    async def finish_scan(
        self, headers: dict[str, str], scan_id: str, result: waste_pb2.ScanResult | None = None
    ) -> None:
        """What the q.ai worker does once the model answered: result stored, history written."""
        result = result or waste_pb2.ScanResult(
            category=common_pb2.Category(code="pet", name_ko="페트병", name_en="PET bottle"),
            item="pet bottle",
            confidence=0.9,
            item_id="pet-bottle",
        )
        async with grpc.aio.insecure_channel(self.settings.waste_addr) as channel:
            waste = waste_pb2_grpc.WasteServiceStub(channel)
            await waste.StartProcessing(
                waste_pb2.StartProcessingRequest(scan_id=scan_id, attempt=1), metadata=system_metadata()
            )
            done = await waste.CompleteScan(
                waste_pb2.CompleteScanRequest(scan_id=scan_id, result=result), metadata=system_metadata()
            )
        async with grpc.aio.insecure_channel(self.settings.users_addr) as channel:
            await users_pb2_grpc.UsersServiceStub(channel).RecordScan(
                users_pb2.RecordScanRequest(
                    entry=users_pb2.HistoryEntry(
                        scan_id=scan_id,
                        category_code=result.category.code,
                        item=result.item,
                        confidence=result.confidence,
                        scanned_at=done.scan.updated_at,
                    )
                ),
                metadata=user_metadata(self.user_id(headers)),
            )


@asynccontextmanager
async def edge_stack(settings: AllSettings) -> AsyncIterator[EdgeEnv]:
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
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
            yield EdgeEnv(http, broker, wired)
    finally:
        for component in reversed(components):
            await component.stop(0)
