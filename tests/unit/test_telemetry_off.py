"""With no span exporter configured no spans are made: gRPC, SQL and Redis stay uninstrumented
(they cost several ms of CPU per scan for spans nobody receives). An exporter turns them on."""

import os
import subprocess
import sys

PROBE = (
    "from mesh.telemetry import instrumented, setup_telemetry; "
    "setup_telemetry('probe'); print(instrumented())"
)


def _instrumented(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_no_exporter_no_instrumentation():
    assert _instrumented() == "False"
    assert _instrumented(OTEL_TRACES_EXPORTER="console") == "True"
    assert _instrumented(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:4318") == "True"


BROKER_PROBE = (
    "from mesh.telemetry import setup_telemetry; setup_telemetry('probe'); "
    "from mesh.rabbit import make_broker; "
    "print(len(make_broker('amqp://guest:guest@127.0.0.1:5672/').middlewares))"
)


def test_the_broker_carries_trace_context_only_when_spans_go_somewhere():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}

    def middlewares(**env: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", BROKER_PROBE],
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip()

    assert middlewares() == "0"
    assert middlewares(OTEL_TRACES_EXPORTER="console") == "1"
