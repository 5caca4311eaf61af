"""What the web client at `/` is told to offer for sign-in."""

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.edge_stack import edge_stack
from wastecoach.settings import Settings


async def test_provider_buttons_follow_the_settings(data_dir, edge_backends):
    edge = EdgeSettings(web_sign_in_providers=["kakao", "google"])
    settings = Settings(mesh=MeshSettings(data_dir=data_dir), edge=edge)
    async with edge_stack(settings, edge_backends) as env:
        config = (await env.http.get("/web/config.json")).json()
        page = await env.http.get("/")
    assert config == {"dev_sign_in": True, "providers": ["kakao", "google"]}
    assert page.status_code == 200 and 'id="providers"' in page.text
