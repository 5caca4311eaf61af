"""Prometheus metrics every process exposes; names match the Grafana dashboards in the chart."""

from __future__ import annotations

from opentelemetry import trace
from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("wastecoach_http_requests_total", "REST requests", ["route", "method", "status"])
HTTP_SECONDS = Histogram("wastecoach_http_request_duration_seconds", "REST latency", ["route"])
GRPC_HANDLED = Counter(
    "wastecoach_grpc_server_handled_total", "gRPC calls handled", ["service", "method", "code"]
)
GRPC_SECONDS = Histogram(
    "wastecoach_grpc_server_handling_seconds", "gRPC handling time", ["service", "method"]
)
SCANS = Counter("wastecoach_scans_total", "Scan state transitions", ["status"])
SCAN_SECONDS = Histogram(
    "wastecoach_scan_duration_seconds", "Scan submit to done", buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30)
)
QUEUE_DEPTH = Gauge("wastecoach_queue_depth", "Messages waiting", ["queue"])
JOB_SECONDS = Histogram("wastecoach_job_duration_seconds", "Job handling time", ["queue"])
VISION_SECONDS = Histogram("wastecoach_vision_seconds", "Vision latency", ["provider"])
LLM_SECONDS = Histogram("wastecoach_llm_seconds", "LLM latency")
ERRORS = Counter("wastecoach_errors_total", "Errors by kind", ["kind"])

# Every `kind` counted anywhere (tests/unit/test_metrics_zero.py holds the code to this list).
ERROR_KINDS = ("cache", "edge", "events", "job", "overload", "publish", "ratelimit", "upstream")
SCAN_STATUSES = ("queued", "processing", "done", "failed")


def initialise() -> None:
    """Creates the labelled counters' series at zero, so that a healthy system's error and failed-scan
    panels read 0 rather than "no data" (a labelled series exists only from its first increment)."""
    for kind in ERROR_KINDS:
        ERRORS.labels(kind)
    for status in SCAN_STATUSES:
        SCANS.labels(status)


def trace_exemplar() -> dict[str, str] | None:
    """The current trace id, so a slow-scan panel can link to the trace."""
    context = trace.get_current_span().get_span_context()
    return {"trace_id": f"{context.trace_id:032x}"} if context.is_valid else None
