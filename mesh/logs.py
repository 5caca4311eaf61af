"""Log lines on stderr: one JSON object per record where a log shipper reads them (not a terminal, or
production), so it needs no parsing rules; short readable lines where a person watches a terminal."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from opentelemetry import trace

# uvicorn's color_message repeats msg with escape codes.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "color_message"}
# On a terminal these say step by step what the one line after them sums up (migrations, server start).
# Start-up detail a person at a terminal does not need (JSON logs keep it).
_CHATTY_ON_TERMINAL = ("alembic", "uvicorn.error", "mesh.grpc_server")


def _extra(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "component": self.component,
            "msg": record.getMessage(),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        entry.update(_extra(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ReadableFormatter(logging.Formatter):
    """`12:35:26 INFO  locations.seed  open data imported: ...  key=value`: for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        name = record.name.removeprefix("svc_")
        line = f"{when} {record.levelname:<7} {name:<24} {record.getMessage()}"
        extra = _extra(record)
        if extra:
            line += "  " + " ".join(f"{k}={v}" for k, v in extra.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def wants_json(setting: bool | None, production: bool, stream: TextIO | None = None) -> bool:
    """An explicit setting wins; else JSON in production and wherever no terminal is attached."""
    if setting is not None:
        return setting
    stream = stream or sys.stderr
    return production or not (hasattr(stream, "isatty") and stream.isatty())


def configure_logging(component: str, level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(component) if as_json else ReadableFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Third-party internals, even at DEBUG: every SQLite statement, every gRPC event loop hand-off.
    for noisy in (
        "aiormq",
        "aio_pika",
        "httpx",
        "sqlalchemy.engine",
        "uvicorn.access",
        "aiosqlite",
        "grpc",
        "alembic.runtime.plugins",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for chatty in _CHATTY_ON_TERMINAL:
        logging.getLogger(chatty).setLevel(root.level if as_json else max(logging.WARNING, root.level))
