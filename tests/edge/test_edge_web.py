"""What the web client at `/` is told to offer for sign-in."""

from tests.edge_stack import edge_stack
from wastecoach.settings import AllSettings


async def test_provider_buttons_follow_the_settings(data_dir, edge_backends):
    settings = AllSettings(data_dir=data_dir, web_sign_in_providers=["kakao", "google"])
    async with edge_stack(settings, edge_backends) as env:
        config = (await env.http.get("/web/config.json")).json()
        page = await env.http.get("/")
    assert config == {"dev_sign_in": True, "providers": ["kakao", "google"]}
    assert page.status_code == 200 and 'id="providers"' in page.text
