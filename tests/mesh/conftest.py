"""One whole system per module, started by the same runner as `wastecoach up`."""

import asyncio
from pathlib import Path

import httpx
import pytest

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.conftest import DATASETS
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


def photo(folder: str, index: int = 0) -> Path:
    files = sorted((DATASETS / folder).glob("*.jpg"))
    if not files:
        pytest.fail(f"no photos in {DATASETS / folder}: the shared datasets must sit beside the checkout")
    return files[index]


@pytest.fixture(scope="module")
async def mesh(tmp_path_factory):
    settings = Settings(
        mesh=MeshSettings(data_dir=tmp_path_factory.mktemp("mesh"), log_json=False),
        edge=EdgeSettings(scan_rate_per_minute=1000),
    )
    running = Mesh(settings)
    await running.start(port=0)
    yield running
    await running.stop()


@pytest.fixture
async def http(mesh):
    async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as client:
        yield client


async def login(http: httpx.AsyncClient, nickname: str) -> dict[str, str]:
    reply = await http.post("/api/v1/auth/dev/login", json={"nickname": nickname})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def wait_finished(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], limit_s: float = 60
) -> dict:
    deadline = asyncio.get_running_loop().time() + limit_s
    while True:
        body = (await http.get(url, headers=headers)).json()
        if body["status"] in ("done", "failed"):
            return body
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"scan still {body['status']} after {limit_s}s")
        await asyncio.sleep(0.1)
