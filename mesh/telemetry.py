"""OpenTelemetry setup from the standard OTEL_* variables; instrumentation of gRPC, FastAPI and SQL."""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

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


def setup_telemetry(service_name: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Installs the global tracer provider once per process; later calls return it unchanged.

    `OTEL_SERVICE_NAME` wins over `service_name`, so k8s can name each component.
    """
    global _configured
    provider = trace.get_tracer_provider()
    if _configured and isinstance(provider, TracerProvider):
        return provider
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    chosen = exporter or _exporter_from_env()
    if chosen is not None:
        provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)
    _configured = True
    instrument_libraries()
    return provider


_instrumented = False


def instrument_libraries() -> None:
    """gRPC (client and server), SQL; call before any server, channel or engine exists."""
    global _instrumented
    if _instrumented:
        return
    from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorClient, GrpcAioInstrumentorServer
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    GrpcAioInstrumentorServer().instrument()
    GrpcAioInstrumentorClient().instrument()
    SQLAlchemyInstrumentor().instrument()
    _instrumented = True


def instrumented() -> bool:
    return _instrumented


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)
