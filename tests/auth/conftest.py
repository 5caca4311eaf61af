from pathlib import Path

import pytest

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from svc_auth.settings import AuthSettings
from tests.auth.fake_providers import FakeProviders
from tests.edge_stack import edge_stack
from wastecoach.settings import Settings

APP_REDIRECT = "wastecoach://signin"
CALLBACK = "https://api.wastecoach.test/api/v1/auth/{provider}/callback"
# Our app's Android client at Google (its SDK tokens carry it as aud/azp), beside the web client.
GOOGLE_ANDROID_CLIENT = "wastecoach-android.apps.googleusercontent.com"
# Another app using the same provider login: its tokens for our users must not sign them in here.
OTHER_APP = {"kakao": 7000001, "google": "someone-else.apps.googleusercontent.com"}
# Every test signs in from the same address, many times a minute (the limit has its own test).
SIGN_IN_EDGE = EdgeSettings(authorize_rate_per_minute=100_000)


@pytest.fixture(scope="session")
def fakes():
    providers = FakeProviders().start()
    yield providers
    providers.stop()


def provider_settings(fakes: FakeProviders) -> dict:
    """The fields of AuthSettings that point every provider at its fake."""
    settings: dict = {"oauth_redirect_uri": CALLBACK, "app_redirect_allowlist": [APP_REDIRECT]}
    for name, fake in fakes.all.items():
        settings.update(
            {
                f"{name}_client_id": fake.client_id,
                f"{name}_client_secret": fake.client_secret,
                f"{name}_base_url": fakes.base_url(name),
            }
        )
    # Which app SDK tokens must have been issued to; Naver stays at its default (SDK tokens refused).
    settings.update(kakao_app_id=fakes.kakao.app_id, google_sdk_client_ids=[GOOGLE_ANDROID_CLIENT])
    return settings


def signin_settings(data_dir: Path, auth: dict, edge: EdgeSettings = SIGN_IN_EDGE) -> Settings:
    return Settings(mesh=MeshSettings(data_dir=data_dir), auth=AuthSettings(**auth), edge=edge)


@pytest.fixture
async def auth_env(data_dir, fakes, edge_backends):
    async with edge_stack(signin_settings(data_dir, provider_settings(fakes)), edge_backends) as env:
        yield env
