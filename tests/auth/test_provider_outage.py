"""A sign-in provider that is down is a 503 with Retry-After (the app tries again later), never a
502; a token that cannot be a Bearer token is the app's 422, not an outage."""

import socket

import pytest

from tests.auth.conftest import provider_settings, signin_settings
from tests.auth.signin import USERS, consent
from tests.edge_stack import edge_stack

PROBLEM = "application/problem+json"


def _unavailable(reply) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    assert int(reply.headers["retry-after"]) > 0
    assert reply.json()["grpc_status"] == "UNAVAILABLE"


def _dead_base_url(name: str) -> str:
    """An address where nothing listens: connections are refused, as with a provider that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/{name}"


@pytest.fixture
async def unreachable_env(data_dir, fakes, edge_backends):
    settings = {
        **provider_settings(fakes),
        **{f"{name}_base_url": _dead_base_url(name) for name in ("kakao", "google")},
        "provider_timeout_s": 2,
    }
    async with edge_stack(signin_settings(data_dir, settings), edge_backends) as env:
        yield env


@pytest.mark.parametrize("provider", ["kakao", "google"])
async def test_an_unreachable_provider_is_503_with_retry_after(unreachable_env, provider):
    # The authorize URL is built here; the provider is first called for the code.
    start = await unreachable_env.http.get(f"/api/v1/auth/{provider}/authorize")
    assert start.status_code == 200, start.text
    query = {"code": "a-code", "state": start.json()["state"]}
    _unavailable(await unreachable_env.http.get(f"/api/v1/auth/{provider}/callback", params=query))
    sdk = await unreachable_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": "tok"})
    _unavailable(sdk)


@pytest.mark.parametrize("provider", ["kakao", "naver", "google"])
async def test_a_provider_answering_5xx_is_503_with_retry_after(auth_env, fakes, provider):
    query = await consent(auth_env, fakes, provider, USERS[provider])
    fakes.all[provider].down = True
    try:
        _unavailable(await auth_env.http.get(f"/api/v1/auth/{provider}/callback", params=query))
        if provider != "naver":  # Naver SDK tokens are off by default
            token = fakes.all[provider].issue_token(USERS[provider])
            sdk = await auth_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": token})
            _unavailable(sdk)
    finally:
        fakes.all[provider].down = False


async def test_an_sdk_token_that_is_no_bearer_token_is_422(auth_env, fakes):
    fakes.kakao.tokeninfo_requests.clear()
    for bad in ("tok\nen", "토큰", "tok en", "a\x00b"):
        reply = await auth_env.http.post("/api/v1/auth/kakao/token", json={"access_token": bad})
        assert reply.status_code == 422, (bad, reply.text)
        assert reply.headers["content-type"].startswith(PROBLEM)
    assert fakes.kakao.tokeninfo_requests == []  # refused before the provider was asked
