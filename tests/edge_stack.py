"""The edge over real gRPC to auth, users and waste in-process; coach and locations are left down
on purpose, so the edge's behaviour with a dead upstream is visible too.

It runs on the embedded default (SQLite, in-process cache, queue and limiter) or on the production
backends (PostgreSQL, Redis, RabbitMQ), wired as `wastecoach.runner` wires them.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import aio_pika
import asyncpg
import httpx
import sqlalchemy
from fastapi import FastAPI
from jose import jwt

from edge.app import create_app
from edge.clients import connect
from edge.ratelimit import InProcessRateLimiter, RedisRateLimiter
from mesh.cache import Cache
from mesh.db import create_engine
from mesh.grpc_channel import make_channel
from mesh.identity import system_metadata, user_metadata
from mesh.jobs import InProcessBroker
from protos.wastecoach.common.v1 import common_pb2
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from wastecoach import wiring
from wastecoach.settings import Settings


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Backends:
    """Empty: the embedded default. With all three URLs: PostgreSQL, Redis, RabbitMQ; the stack
    empties the database's tables, and tells its Redis keys and RabbitMQ messages apart by ids."""

    database_url: str | None = None
    redis_url: str | None = None
    rabbit_url: str | None = None

    @property
    def production(self) -> bool:
        return bool(self.database_url and self.redis_url and self.rabbit_url)


class FrozenClock:
    """The rate limiter's clock: one second into a minute window until a test moves it, so the
    requests of a test never straddle a window boundary."""

    def __init__(self) -> None:
        self.now = float(int(time.time()) // 60 * 60 + 1)

    def __call__(self) -> float:
        return self.now


@dataclass
class EdgeEnv:
    http: httpx.AsyncClient
    broker: InProcessBroker | None  # None on the production backends
    settings: Settings
    clock: FrozenClock = field(default_factory=FrozenClock)
    recorded_jobs: list[dict] = field(default_factory=list)
    app: FastAPI | None = None  # the edge app, e.g. to swap one of its gRPC clients
    cache: Cache | None = None  # the process's shared cache (in-process or Redis)

    async def rows(self, service: str, sql: str) -> list[tuple]:
        """What a service stored, read from its database (its SQLite file, or PostgreSQL)."""
        engine = create_engine(self.settings.mesh.database_url_for(service))
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.exec_driver_sql(sql)]
        finally:
            await engine.dispose()

    async def all_rows(self) -> dict[str, list[tuple]]:
        """Every row of every table of auth, users and waste, by table name."""
        found: dict[str, list[tuple]] = {}
        for url in dict.fromkeys(self.settings.mesh.database_url_for(s) for s in ("auth", "users", "waste")):
            engine = create_engine(url)
            try:
                async with engine.connect() as connection:
                    names = await connection.run_sync(lambda c: sqlalchemy.inspect(c).get_table_names())
                    for name in names:
                        rows = await connection.exec_driver_sql(f'SELECT * FROM "{name}"')
                        found[name] = [tuple(row) for row in rows]
            finally:
                await engine.dispose()
        return found

    async def jobs_for(self, headers: dict[str, str]) -> list[dict]:
        """The q.ai jobs published so far for this user's scans, on either backend."""
        if self.broker is not None:
            await asyncio.wait_for(self.broker.drain(), 5)
        else:
            self.recorded_jobs.extend(await _take_jobs(self.settings.mesh.rabbit_url))
        return [job for job in self.recorded_jobs if job["user_id"] == self.user_id(headers)]

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
        mesh = self.settings.mesh
        async with make_channel(mesh.waste_addr, identity=mesh.identity_key()) as channel:
            waste = waste_pb2_grpc.WasteServiceStub(channel)
            await waste.StartProcessing(
                waste_pb2.StartProcessingRequest(scan_id=scan_id, attempt=1), metadata=system_metadata()
            )
            done = await waste.CompleteScan(
                waste_pb2.CompleteScanRequest(scan_id=scan_id, result=result), metadata=system_metadata()
            )
        async with make_channel(mesh.users_addr, identity=mesh.identity_key()) as channel:
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


async def _empty(database_url: str) -> None:
    """Every table but the migration versions, as a fresh database would have them."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'alembic%'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


async def _take_jobs(rabbit_url: str) -> list[dict]:
    # Publisher confirms: a job is in the queue once CreateScan answered. The session's vhost
    # holds other tests' jobs too; their scans belong to other users, so the caller filters.
    connection = await aio_pika.connect(rabbit_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue("q.ai", passive=True)
        jobs = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            jobs.append(json.loads(message.body))
        return jobs
    finally:
        await connection.close()


@asynccontextmanager
async def edge_stack(settings: Settings, backends: Backends | None = None) -> AsyncIterator[EdgeEnv]:
    backends = backends or Backends()
    clock = FrozenClock()
    async with AsyncExitStack() as stack:
        if backends.production:
            settings = settings.with_mesh(
                database_url=backends.database_url,
                redis_url=backends.redis_url,
                rabbit_url=backends.rabbit_url,
            )
        # The composition root's own builders, with the rate limiter on the test's clock.
        shared = wiring.Backends(settings.mesh)
        stack.push_async_callback(shared.close)
        shared.limiter = (
            RedisRateLimiter(shared.redis, clock=clock)
            if backends.production
            else InProcessRateLimiter(clock=clock)
        )
        producer = await wiring.open_producer(settings)
        stack.push_async_callback(producer.stop)
        broker = producer.inprocess
        components = [
            wiring.service(name, settings, shared, producer.publisher) for name in ("auth", "users", "waste")
        ]
        for component in components:
            await component.migrate()
        if backends.production:
            await _empty(backends.database_url)
        addresses = {}
        for component in components:
            server = await component.start("127.0.0.1", 0, shared.identity)
            stack.push_async_callback(component.stop, 0)
            addresses[f"{component.name}_addr"] = f"127.0.0.1:{server.port}"
        dead = f"127.0.0.1:{_dead_port()}"
        wired = settings.with_mesh(**addresses, coach_addr=dead, locations_addr=dead, grpc_deadline_s=2)
        app = create_app(
            wired.mesh, wired.edge, connect(wired.mesh), shared.events, shared.limiter, shared.cache
        )
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge")
        )
        env = EdgeEnv(http, broker, wired, clock, app=app, cache=shared.cache)
        if broker is not None:

            async def record(body, ctx):
                env.recorded_jobs.append(body)

            broker.subscribe("q.ai", record)
            await broker.start()
        yield env
