"""Fault tests: the whole system under a broken dependency, each with a printed verdict line."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.pipeline.conftest import stack_settings  # noqa: F401  (the real-stack fixture)
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


@contextmanager
def mesh_in_thread(settings: Settings, **kwargs) -> Iterator[Mesh]:
    """A Mesh on its own event loop in a thread, for synchronous clients (schemathesis uses requests)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="mesh-loop", daemon=True)
    thread.start()
    mesh = Mesh(settings, **kwargs)
    try:
        asyncio.run_coroutine_threadsafe(mesh.start(port=0), loop).result(120)
        yield mesh
    finally:
        asyncio.run_coroutine_threadsafe(mesh.stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def verdict(line: str) -> None:
    """The line to copy into docs; printed so `pytest -s` (or the captured output) shows it."""
    print(f"\nFAULT {line}", flush=True)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def now() -> float:
    return time.perf_counter()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_ctl(action: str) -> None:
    """Stop, start or restart this machine's PostgreSQL cluster (the tests' database server)."""
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
        timeout=120,
    )
