"""Helpers for tests: start one service in-process on port 0 and talk to it over a real channel."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc

from mesh.component import ServiceComponent
from mesh.grpc_channel import make_channel
from mesh.identity import IdentityKey

# The mesh key of in-process test servers; channels from `signed_channel` carry identities it signs.
TEST_KEY = IdentityKey(b"test-only-internal-identity-key")


def signed_channel(address: str) -> grpc.aio.Channel:
    return make_channel(address, identity=TEST_KEY)


@asynccontextmanager
async def running(component: ServiceComponent) -> AsyncIterator[grpc.aio.Channel]:
    await component.migrate()
    server = await component.start("127.0.0.1", 0, TEST_KEY)
    channel = signed_channel(f"127.0.0.1:{server.port}")
    try:
        yield channel
    finally:
        await channel.close()
        await component.stop(0)


def user(user_id: str) -> tuple[tuple[str, str], ...]:
    return (("x-user-id", user_id),)


def start_up(data_dir: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """`wastecoach up --port 0` as its own process on `data_dir`; its URL from the line it prints."""
    variables = {**os.environ, "WASTECOACH_DATA_DIR": str(data_dir), "WASTECOACH_LOG_LEVEL": "WARNING", **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "up", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=variables,
    )
    line = proc.stdout.readline()
    assert "http://127.0.0.1:" in line, line
    return proc, line.split("up: ", 1)[1].split()[0]
