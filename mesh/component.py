"""What a service hands to a runner: its servicers plus start-up and shut-down hooks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from mesh.grpc_server import RunningServer, ServiceSpec, start_server
from mesh.identity import IdentityKey
from mesh.telemetry import untraced

log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


@dataclass
class ServiceComponent:
    name: str
    specs: list[ServiceSpec]
    startup: Callable[[], Awaitable[None]] = _nothing
    # Applies this service's migrations; run by `wastecoach migrate` and `up`, not by `serve`.
    migrate: Callable[[], Awaitable[None]] = _nothing
    # Readiness: the gRPC health status follows it (a service without its database is not ready).
    check: Callable[[], Awaitable[bool]] | None = None
    shutdown: Callable[[], Awaitable[None]] = _nothing
    server: RunningServer | None = field(default=None, init=False)

    async def start(self, host: str, port: int, identity: IdentityKey) -> RunningServer:
        await self.startup()
        self.server = await start_server(self.specs, host, port, identity=identity)
        return self.server

    async def stop(self, grace: float = 5.0) -> None:
        if self.server is not None:
            await self.server.stop(grace)
            self.server = None
        await self.shutdown()


async def wait_for_signal() -> None:
    """Blocks until SIGTERM or SIGINT: k8s sends SIGTERM before killing a pod."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def watch_readiness(component: ServiceComponent, interval_s: float = 5.0) -> None:
    serving = True
    while component.server is not None and component.check is not None:
        with untraced():  # every 5 s per service: a connect + SELECT trace each time otherwise
            ok = await component.check()
        if ok != serving:
            log.warning("readiness changed", extra={"component": component.name, "ready": ok})
            await component.server.set_serving(ok)
            serving = ok
        await asyncio.sleep(interval_s)


async def serve_forever(
    component: ServiceComponent, host: str, port: int, grace: float, identity: IdentityKey
) -> None:
    await component.start(host, port, identity)
    watcher = asyncio.create_task(watch_readiness(component))
    try:
        await wait_for_signal()
    finally:
        watcher.cancel()
        log.info("stopping", extra={"component": component.name})
        await component.stop(grace)
