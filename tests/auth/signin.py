"""Drives a browser sign-in against the fake providers, as the app's browser tab would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from tests.auth.fake_providers import FakeProviders

KAKAO_USER = {
    "id": 4242001,
    "kakao_account": {
        "email": "minji@example.kr",
        "is_email_verified": True,
        "is_email_valid": True,
        "profile": {"nickname": "민지"},
    },
}
NAVER_USER = {"id": "nv-32chars-0001", "email": "minji@example.kr", "nickname": "민지N"}
GOOGLE_USER = {"sub": "109876543210", "email": "minji@example.kr", "email_verified": True, "name": "Minji"}
USERS = {"kakao": KAKAO_USER, "naver": NAVER_USER, "google": GOOGLE_USER}
# The app's PKCE pair for deep-link sign-ins (RFC 7636, appendix B): the challenge goes to
# /authorize, the verifier with the one-time code to /code/redeem.
APP_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
APP_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def consent(
    env, fakes: FakeProviders, provider: str, user: dict, redirect_uri: str = "", code_challenge: str = ""
) -> dict:
    """Authorize at the edge, consent at the provider; the code and state it sends back. With a
    deep link the app sends its PKCE challenge, APP_CHALLENGE unless another is given."""
    fakes.all[provider].sign_in_as(user)
    params = {"redirect_uri": redirect_uri} if redirect_uri else {}
    if redirect_uri:
        params.update(code_challenge=code_challenge or APP_CHALLENGE, code_challenge_method="S256")
    start = await env.http.get(f"/api/v1/auth/{provider}/authorize", params=params)
    assert start.status_code == 200, start.text
    async with httpx.AsyncClient(trust_env=False) as browser:
        at_provider = await browser.get(start.json()["authorize_url"])
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == env.settings.auth.redirect_uri_for(provider)
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert query["state"] == start.json()["state"]
    return query


async def sign_in(env, fakes: FakeProviders, provider: str, user: dict | None = None) -> httpx.Response:
    query = await consent(env, fakes, provider, user or USERS[provider])
    return await env.http.get(f"/api/v1/auth/{provider}/callback", params=query)


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
