"""`wastecoach up`: all services, consumers and the edge in one process, real gRPC on loopback."""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass, field

from faststream.rabbit import RabbitBroker

import svc_auth.component
import svc_coach.component
import svc_locations.component
import svc_users.component
import svc_waste.component
from consumers.rabbit_runner import build_broker
from consumers.wiring import Workers, build_workers
from edge.app import create_app
from edge.clients import connect
from edge.serving import EdgeServer
from mesh.component import ServiceComponent
from mesh.events import EventBus
from mesh.jobs import InProcessBroker, Publisher, RetryPolicy
from mesh.rabbit import RabbitPublisher, declare_all, make_broker
from wastecoach import scheduler
from wastecoach.settings import AllSettings
from wastecoach.standalone import cache, event_bus, rate_limiter

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"


@dataclass
class Mesh:
    settings: AllSettings
    vision: object | None = None  # injected in tests to share one loaded model
    # False: consumers run elsewhere (tests start `wastecoach consume` as its own process).
    run_consumers: bool = True
    components: list[ServiceComponent] = field(default_factory=list)
    broker: InProcessBroker | None = None
    producer: RabbitBroker | None = None
    consumer: RabbitBroker | None = None
    workers: Workers | None = None
    server: EdgeServer | None = None
    serve_task: asyncio.Task[None] | None = None
    scheduler: asyncio.Task[None] | None = None
    wired: AllSettings | None = None
    publisher: Publisher | None = None
    url: str = ""

    async def start(self, host: str = LOOPBACK, port: int = 8000) -> str:
        settings = self.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        events: EventBus = event_bus(settings)
        retry = RetryPolicy(settings.max_attempts, settings.retry_base_delay_s)
        publisher = self.publisher = await self._publisher(retry)
        self.components = [
            svc_auth.component.build(settings, cache=cache(settings)),
            svc_users.component.build(settings),
            svc_waste.component.build(
                settings,
                publisher=publisher,
                events=events,
                cache=cache(settings),
                # The in-process queue dies with the process: re-drive what it held at start.
                redrive_on_start=isinstance(publisher, InProcessBroker),
            ),
            svc_coach.component.build(settings),
            svc_locations.component.build(settings),
        ]
        for component in self.components:
            await component.migrate()
        addresses = {}
        for component in self.components:
            running = await component.start(LOOPBACK, 0)
            addresses[f"{component.name}_addr"] = f"{LOOPBACK}:{running.port}"
        self.wired = settings.model_copy(update=addresses)
        if self.run_consumers:
            await self.start_consumers()
        # One process: the in-memory claim is enough to publish each period once.
        self.scheduler = asyncio.create_task(scheduler.run(publisher, scheduler.memory_claim()))
        app = create_app(self.wired, connect(self.wired), events, rate_limiter(settings), cache(settings))
        self.url = await self._serve(app, host, port)
        return self.url

    async def _publisher(self, retry: RetryPolicy) -> Publisher:
        if self.settings.rabbit_url:
            # Same handlers, real broker: publisher here, consumers once the services are up.
            self.producer = make_broker(self.settings.rabbit_url)
            await self.producer.start()
            await declare_all(self.producer)
            return RabbitPublisher(self.producer)
        self.broker = InProcessBroker(workers=self.settings.inprocess_workers, retry=retry)
        return self.broker

    async def start_consumers(self) -> None:
        """Runs the queue handlers in this process (also later, when started with run_consumers=False)."""
        wired, settings = self.wired, self.settings
        retry = RetryPolicy(settings.max_attempts, settings.retry_base_delay_s)
        self.workers = build_workers(wired, self.publisher, self.vision)
        if self.broker is not None:
            for queue, handler in self.workers.handlers.items():
                self.broker.subscribe(queue, handler)
            await self.broker.start()
            return
        self.consumer = build_broker(
            wired.rabbit_url, self.workers.handlers, retry=retry, prefetch=wired.prefetch_q_ai
        )
        await self.consumer.start()

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
        if self.server is not None and self.serve_task is not None:
            self.server.should_exit = True
            await self.serve_task
        if self.broker is not None:
            await self.broker.stop()
        for rabbit in (self.consumer, self.producer):
            if rabbit is not None:
                await rabbit.stop()
        if self.workers is not None:
            await self.workers.close()
        for component in reversed(self.components):
            await component.stop(self.settings.grpc_grace_s)
