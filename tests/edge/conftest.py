import pytest

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.edge_stack import edge_stack
from wastecoach.settings import Settings


@pytest.fixture
async def edge_env(data_dir, edge_backends):
    settings = Settings(mesh=MeshSettings(data_dir=data_dir), edge=EdgeSettings(scan_rate_per_minute=5))
    async with edge_stack(settings, edge_backends) as env:
        yield env
