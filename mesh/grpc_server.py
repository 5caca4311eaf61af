"""grpc.aio server factory: health, reflection, timing interceptor, graceful stop."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from mesh import metrics
from mesh.errors import DomainError, InvalidInput, is_outage
from mesh.grpc_wrap import Behaviour, UnaryWrapper
from mesh.identity import IdentityKey, VerifyIdentity
from mesh.text_fields import nul_field

log = logging.getLogger(__name__)

# 20 MB: an uploaded photo travels inside CreateScan / GetScanImage.
MAX_MESSAGE_BYTES = 20 * 1024 * 1024
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]


@dataclass(frozen=True)
class ServiceSpec:
    """One servicer to mount: its full proto name, the generated `add_*_to_server` and the instance."""

    name: str
    register: Callable[[Any, grpc.aio.Server], None]
    servicer: Any


class TimingInterceptor(UnaryWrapper):
    """Counts and times every unary RPC, refuses text with a NUL in it, and turns a DomainError into
    its status code."""

    def wrap(self, inner: Behaviour, details: grpc.HandlerCallDetails) -> Behaviour:
        service, _, method = details.method.lstrip("/").partition("/")

        async def timed(request: Any, context: grpc.aio.ServicerContext) -> Any:
            start = time.perf_counter()
            code = "OK"
            try:
                if field := nul_field(request):
                    raise InvalidInput(f"{field} must not contain NUL characters")
                return await inner(request, context)
            except DomainError as exc:
                code = exc.code.name
                await context.abort(exc.code, exc.message, trailing_metadata=exc.metadata)
            except Exception as exc:
                if not is_outage(exc):
                    code = context.code().name if context.code() is not None else "UNKNOWN"
                    raise
                # A database restarting is not a bug: callers see UNAVAILABLE and may retry.
                code = "UNAVAILABLE"
                log.warning("backing store unavailable", extra={"method": details.method, "error": repr(exc)})
                await context.abort(
                    grpc.StatusCode.UNAVAILABLE, "a backing store is unavailable, retry later"
                )
            finally:
                if code == "OK" and context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code().name
                metrics.GRPC_HANDLED.labels(service, method, code).inc()
                metrics.GRPC_SECONDS.labels(service, method).observe(time.perf_counter() - start)

        return timed


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    names: tuple[str, ...]

    async def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", *self.names):
            await self.health.set(name, status)

    async def stop(self, grace: float = 5.0) -> None:
        # Report NOT_SERVING first so load balancers drain before in-flight calls are cut.
        await self.set_serving(False)
        await self.server.stop(grace)


async def start_server(
    specs: Sequence[ServiceSpec],
    host: str,
    port: int,
    *,
    identity: IdentityKey,
    interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
) -> RunningServer:
    server = grpc.aio.server(
        interceptors=[TimingInterceptor(), VerifyIdentity(identity), *interceptors], options=SERVER_OPTIONS
    )
    for spec in specs:
        spec.register(spec.servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = tuple(spec.name for spec in specs)
    reflection.enable_server_reflection((*names, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot bind gRPC server on {host}:{port}")
    await server.start()
    running = RunningServer(server=server, port=bound, health=health_servicer, names=names)
    await running.set_serving(True)
    log.info("grpc server listening", extra={"address": f"{host}:{bound}", "services": list(names)})
    return running
