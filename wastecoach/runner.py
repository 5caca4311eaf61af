"""`wastecoach up`: all services, consumers and the edge in one process, real gRPC on loopback."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from dataclasses import dataclass, field

from faststream.rabbit import RabbitBroker

from consumers.wiring import Workers, build_workers
from edge.app import create_app
from edge.clients import connect
from edge.serving import EdgeServer
from mesh.component import ServiceComponent
from mesh.jobs import InProcessBroker
from mesh.ops_http import start_ops_server
from wastecoach import scheduler, wiring
from wastecoach.settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"
UP_FIRST_TICK_S = 60.0


@dataclass
class Mesh:
    settings: Settings
    vision: object | None = None  # injected in tests to share one loaded model
    # False: consumers run elsewhere (tests start `wastecoach consume` as its own process).
    run_consumers: bool = True
    components: list[ServiceComponent] = field(default_factory=list)
    backends: wiring.Backends | None = None
    producer: wiring.Producer | None = None
    consumer: RabbitBroker | None = None
    workers: Workers | None = None
    server: EdgeServer | None = None
    serve_task: asyncio.Task[None] | None = None
    scheduler: asyncio.Task[None] | None = None
    ops: asyncio.Task[None] | None = None
    wired: Settings | None = None
    url: str = ""

    @property
    def broker(self) -> InProcessBroker | None:
        """The in-process queue, on the embedded default (None on RabbitMQ)."""
        return self.producer.inprocess if self.producer is not None else None

    async def start(self, host: str = LOOPBACK, port: int = 8000) -> str:
        settings = self.settings
        settings.mesh.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.mesh.metrics_port:
            # Every component's metrics in one place: the same names the k8s pods expose one by one.
            self.ops = start_ops_server(settings.mesh.metrics_port, host=LOOPBACK)
        backends = self.backends = wiring.Backends(settings.mesh)
        producer = self.producer = await wiring.open_producer(settings)
        # The in-process queue dies with the process: re-drive what it held at start.
        waste_options = {"redrive_on_start": producer.inprocess is not None}
        self.components = [
            wiring.service(
                name, settings, backends, producer.publisher, **(waste_options if name == "waste" else {})
            )
            for name in wiring.SERVICE_NAMES
        ]
        for component in self.components:
            await component.migrate()
        addresses = {}
        for component in self.components:
            running = await component.start(LOOPBACK, 0, backends.identity)
            addresses[f"{component.name}_addr"] = f"{LOOPBACK}:{running.port}"
        self.wired = settings.with_mesh(**addresses)
        if self.run_consumers:
            await self.start_consumers()
        # One process: the in-memory claim is enough to publish each period once. `migrate` has just
        # imported the open data: today's refresh is done. The first tick waits, so a quick start and
        # stop stays quick.
        imported = scheduler.period_id("refresh_open_data", time.time())
        claim = scheduler.memory_claim(already=(imported,))
        self.scheduler = asyncio.create_task(
            scheduler.run(producer.publisher, claim, first_delay_s=UP_FIRST_TICK_S)
        )
        wired = self.wired
        app = create_app(
            wired.mesh, wired.edge, connect(wired.mesh), backends.events, backends.limiter, backends.cache
        )
        self.url = await self._serve(app, host, port)
        return self.url

    async def start_consumers(self) -> None:
        """Runs the queue handlers in this process (also later, when started with run_consumers=False)."""
        self.workers = build_workers(
            self.wired.mesh, self.wired.consumers, self.producer.publisher, self.vision
        )
        if self.broker is not None:
            for queue, handler in self.workers.handlers.items():
                self.broker.subscribe(queue, handler)
            await self.broker.start()
            return
        self.consumer = await wiring.open_consumer(self.wired, self.workers.handlers)

    async def _serve(self, app, host: str, port: int) -> str:
        # proto IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on connections of such a socket,
        # and without it Nagle + delayed ACK add ~40 ms to every keep-alive response.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.server = EdgeServer(app, lifespan="on")
        self.serve_task = asyncio.create_task(self.server.serve(sockets=[sock]))
        while not self.server.started:
            if self.serve_task.done():
                self.serve_task.result()
            await asyncio.sleep(0.02)
        bound_host, bound_port = sock.getsockname()[:2]
        return f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.cancel()
        if self.ops is not None:
            self.ops.cancel()
        if self.server is not None and self.serve_task is not None:
            self.server.should_exit = True
            await self.serve_task
        if self.consumer is not None:
            await self.consumer.stop()
        if self.producer is not None:
            await self.producer.stop()
        if self.workers is not None:
            await self.workers.close()
        for component in reversed(self.components):
            await component.stop(self.settings.mesh.grpc_grace_s)
        if self.backends is not None:
            await self.backends.close()
