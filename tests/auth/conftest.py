import pytest

from tests.auth.fake_providers import FakeProviders
from tests.edge_stack import edge_stack
from wastecoach.settings import AllSettings

APP_REDIRECT = "wastecoach://signin"
CALLBACK = "https://api.wastecoach.test/api/v1/auth/{provider}/callback"


@pytest.fixture(scope="session")
def fakes():
    providers = FakeProviders().start()
    yield providers
    providers.stop()


def provider_settings(fakes: FakeProviders) -> dict:
    settings: dict = {"oauth_redirect_uri": CALLBACK, "app_redirect_allowlist": [APP_REDIRECT]}
    for name, fake in fakes.all.items():
        settings.update(
            {
                f"{name}_client_id": fake.client_id,
                f"{name}_client_secret": fake.client_secret,
                f"{name}_base_url": fakes.base_url(name),
            }
        )
    return settings


@pytest.fixture
async def auth_env(data_dir, fakes):
    settings = AllSettings(data_dir=data_dir, **provider_settings(fakes))
    async with edge_stack(settings) as env:
        yield env
