"""The production stack on this machine: PostgreSQL, Redis, RabbitMQ (a vhost per test)."""

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from consumers.settings import ConsumerSettings
from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from svc_waste.settings import WasteSettings
from tests.conftest import REDIS_URL, REPO, create_pg_database, drop_pg_database
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


@pytest.fixture
async def stack_settings(tmp_path, rabbit_vhost_url):
    name, url = await create_pg_database("wc_pipe")
    settings = Settings(
        mesh=MeshSettings(
            data_dir=tmp_path / "data",
            database_url=url,
            redis_url=REDIS_URL,
            rabbit_url=rabbit_vhost_url,
            log_json=False,
        ),
        edge=EdgeSettings(scan_rate_per_minute=10_000),
        waste=WasteSettings(outbox_interval_s=1.0),
        consumers=ConsumerSettings(retry_base_delay_s=0.2),
    )
    yield settings
    await drop_pg_database(name)


async def start_mesh(settings: Settings, run_consumers: bool = True) -> Mesh:
    mesh = Mesh(settings, run_consumers=run_consumers)
    await mesh.start(port=0)
    return mesh


def start_consumer(mesh: Mesh, queue: str = "q.ai", **env: str) -> subprocess.Popen:
    """`wastecoach consume QUEUE` as its own process, wired to the mesh's services."""
    wired = mesh.wired.mesh
    variables = {
        **os.environ,
        "WASTECOACH_RABBIT_URL": wired.rabbit_url,
        "WASTECOACH_REDIS_URL": wired.redis_url,
        # The mesh's identity key lives there: the consumer's calls must be signed with it.
        "WASTECOACH_DATA_DIR": str(wired.data_dir),
        "WASTECOACH_WASTE_ADDR": wired.waste_addr,
        "WASTECOACH_COACH_ADDR": wired.coach_addr,
        "WASTECOACH_LOCATIONS_ADDR": wired.locations_addr,
        "WASTECOACH_USERS_ADDR": wired.users_addr,
        "WASTECOACH_LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "consume", queue],
        env=variables,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def login(http: httpx.AsyncClient, nickname: str) -> dict[str, str]:
    reply = await http.post("/api/v1/auth/dev/login", json={"nickname": nickname})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def eventually(check, limit_s: float = 60.0, every_s: float = 0.2):
    deadline = asyncio.get_running_loop().time() + limit_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not reached within {limit_s}s")
        await asyncio.sleep(every_s)
