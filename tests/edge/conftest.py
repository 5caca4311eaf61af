import pytest

from tests.edge_stack import edge_stack
from wastecoach.settings import AllSettings


@pytest.fixture
async def edge_env(data_dir, edge_backends):
    async with edge_stack(AllSettings(data_dir=data_dir, scan_rate_per_minute=5), edge_backends) as env:
        yield env
