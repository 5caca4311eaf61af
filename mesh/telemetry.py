"""OpenTelemetry setup from the standard OTEL_* variables; instrumentation of gRPC, FastAPI, SQL and Redis.

Health and readiness checks are not traced: kubelet probes, the edge's /readyz and the services'
readiness loop would otherwise be most of an idle system's traces.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider, sampling
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

_configured = False


def _exporter_from_env() -> SpanExporter | None:
    kind = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if kind == "none":
        return None
    if kind == "console":
        return ConsoleSpanExporter()
    if (
        kind == "otlp"
        or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return None


class NoOrphanClientSpans(sampling.Sampler):
    """Drops a client span (SQL, Redis, gRPC call) that starts a trace; defers to `inner` otherwise.

    A client call with no request or job around it is background polling (a readiness check, the
    scheduler's claim every 30 s): a one-span trace that only buries the real ones.
    """

    def __init__(self, inner: sampling.Sampler) -> None:
        self.inner = inner

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> sampling.SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if kind is SpanKind.CLIENT and not parent.is_valid:
            return sampling.SamplingResult(sampling.Decision.DROP)
        return self.inner.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoOrphanClientSpans{{{self.inner.get_description()}}}"


def untraced() -> AbstractContextManager[None]:
    """No spans inside (health and readiness checks)."""
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()


def setup_telemetry(service_name: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Installs the global tracer provider once per process; later calls return it unchanged.

    `OTEL_SERVICE_NAME` wins over `service_name`, so k8s can name each component.
    """
    global _configured
    provider = trace.get_tracer_provider()
    if _configured and isinstance(provider, TracerProvider):
        return provider
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    # OTEL_TRACES_SAMPLER still chooses the sampler; orphan client spans are dropped on top of it.
    sampler = NoOrphanClientSpans(sampling._get_from_env_or_default())
    provider = TracerProvider(resource=Resource.create({"service.name": name}), sampler=sampler)
    chosen = exporter or _exporter_from_env()
    trace.set_tracer_provider(provider)
    _configured = True
    if chosen is not None:
        provider.add_span_processor(BatchSpanProcessor(chosen))
        instrument_libraries()
    # No exporter (the embedded default, unless OTEL_* names one): spans nobody receives are not
    # made at all; instrumenting gRPC, SQL and Redis cost several ms of CPU per scan.
    return provider


_instrumented = False


def instrument_libraries() -> None:
    """gRPC (client and server), SQL, Redis; call before any server, channel or engine exists."""
    global _instrumented
    if _instrumented:
        return
    from opentelemetry.instrumentation.grpc import (
        GrpcAioInstrumentorClient,
        GrpcAioInstrumentorServer,
        filters,
    )
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # grpc.health.v1 calls: kubelet probes the services, the edge's /readyz asks each of them.
    not_health = filters.negate(filters.health_check())
    GrpcAioInstrumentorServer(filter_=not_health).instrument()
    GrpcAioInstrumentorClient(filter_=not_health).instrument()
    SQLAlchemyInstrumentor().instrument()
    RedisInstrumentor().instrument()
    _instrumented = True


def instrumented() -> bool:
    return _instrumented


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)
