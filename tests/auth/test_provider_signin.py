"""Sign-in with Kakao, Naver and Google through the edge, against spec-faithful fake providers."""

import os
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from jose import jwt

from edge.settings import EdgeSettings
from svc_auth import domain
from svc_auth.providers import ProviderRefused
from tests.auth.conftest import (
    APP_REDIRECT,
    GOOGLE_ANDROID_CLIENT,
    OTHER_APP,
    provider_settings,
    signin_settings,
)
from tests.auth.signin import APP_CHALLENGE, APP_VERIFIER, USERS, bearer, consent, sign_in
from tests.edge_stack import edge_stack

PROBLEM = "application/problem+json"
PROVIDERS = ["kakao", "naver", "google"]


async def _accounts(env, provider: str | None = None) -> list[tuple]:
    rows = await env.rows("auth", "SELECT user_id, provider, provider_user_id FROM auth_accounts")
    return [r for r in rows if provider is None or r[1] == provider]


def _sub(tokens: dict) -> str:
    return jwt.get_unverified_claims(tokens["access_token"])["sub"]


def _assert_problem(reply, *statuses: int) -> None:
    assert reply.status_code in statuses, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    assert reply.json()["detail"]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_full_sign_in_ends_with_tokens_and_one_account(auth_env, fakes, provider):
    first = await sign_in(auth_env, fakes, provider)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "no-store"
    tokens = first.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = await auth_env.http.get("/api/v1/users/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["user_id"] == _sub(tokens)
    assert me.json()["nickname"] in {"민지", "민지N", "Minji"}

    again = await sign_in(auth_env, fakes, provider)
    assert again.status_code == 200 and _sub(again.json()) == _sub(tokens)
    assert len(await _accounts(auth_env, provider)) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_client_authentication_and_pkce_as_each_provider_wants(auth_env, fakes, provider):
    fake = fakes.all[provider]
    fake.authorize_requests.clear()
    fake.token_requests.clear()
    assert (await sign_in(auth_env, fakes, provider)).status_code == 200
    authorize, token = fake.authorize_requests[-1], fake.token_requests[-1]
    assert authorize["client_id"] == fake.client_id and authorize["response_type"] == "code"
    assert token["client_secret"] == fake.client_secret  # in the form body
    if provider == "naver":
        assert "code_challenge" not in authorize and "code_verifier" not in token
        assert token["state"] == authorize["state"]
    else:
        assert authorize["code_challenge_method"] == "S256" and len(authorize["code_challenge"]) == 43
        assert 43 <= len(token["code_verifier"]) <= 128
        assert token["redirect_uri"] == auth_env.settings.auth.redirect_uri_for(provider)
    if provider == "google":
        assert set(authorize["scope"].split()) == {"openid", "email", "profile"}


async def test_pkce_verifier_must_match_the_challenge(auth_env, fakes):
    query = await consent(auth_env, fakes, "kakao", USERS["kakao"])
    fakes.kakao.grants[query["code"]].challenge = "A" * 43  # as if the code was started by someone else
    reply = await auth_env.http.get("/api/v1/auth/kakao/callback", params=query)
    _assert_problem(reply, 401)
    assert await _accounts(auth_env) == []


async def test_a_code_the_provider_does_not_know_is_refused(auth_env, fakes):
    for provider in PROVIDERS:
        query = await consent(auth_env, fakes, provider, USERS[provider])
        reply = await auth_env.http.get(
            f"/api/v1/auth/{provider}/callback", params={**query, "code": "forged-code"}
        )
        _assert_problem(reply, 401)


async def test_state_mismatch_replay_and_other_provider_are_refused(auth_env, fakes):
    query = await consent(auth_env, fakes, "google", USERS["google"])
    wrong = await auth_env.http.get(
        "/api/v1/auth/google/callback", params={**query, "state": "made-up-state"}
    )
    _assert_problem(wrong, 401)
    ok = await auth_env.http.get("/api/v1/auth/google/callback", params=query)
    assert ok.status_code == 200
    replayed = await auth_env.http.get("/api/v1/auth/google/callback", params=query)
    _assert_problem(replayed, 401)
    # A state is bound to the provider it was issued for.
    kakao = await consent(auth_env, fakes, "kakao", USERS["kakao"])
    crossed = await auth_env.http.get("/api/v1/auth/naver/callback", params=kakao)
    _assert_problem(crossed, 401)
    missing = await auth_env.http.get("/api/v1/auth/google/callback", params={"code": "x"})
    _assert_problem(missing, 400)
    denied = await auth_env.http.get(
        "/api/v1/auth/google/callback", params={"error": "access_denied", "state": query["state"]}
    )
    _assert_problem(denied, 401)


async def test_expired_state_is_refused(data_dir, fakes):
    settings = signin_settings(data_dir, {**provider_settings(fakes), "oauth_state_ttl_s": 0})
    async with edge_stack(settings) as env:
        query = await consent(env, fakes, "google", USERS["google"])
        _assert_problem(await env.http.get("/api/v1/auth/google/callback", params=query), 401)


async def test_starting_a_sign_in_writes_no_database_row(auth_env):
    # Anyone may start sign-ins without a token: the state waits in the cache, which forgets it.
    before = await auth_env.all_rows()
    for _ in range(20):
        assert (await auth_env.http.get("/api/v1/auth/google/authorize")).status_code == 200
    assert await auth_env.all_rows() == before


async def test_app_redirect_gets_a_one_time_code(auth_env, fakes):
    query = await consent(auth_env, fakes, "kakao", USERS["kakao"], redirect_uri=APP_REDIRECT)
    reply = await auth_env.http.get("/api/v1/auth/kakao/callback", params=query)
    assert reply.status_code == 302, reply.text
    target = urlsplit(reply.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == APP_REDIRECT
    code = parse_qs(target.query)["code"][0]
    stored = await auth_env.rows("auth", "SELECT code_hash FROM auth_one_time_codes")
    assert stored == [(domain.hash_secret(code),)]
    redeem = {"code": code, "code_verifier": APP_VERIFIER}
    tokens = await auth_env.http.post("/api/v1/auth/code/redeem", json=redeem)
    assert tokens.status_code == 200, tokens.text
    me = await auth_env.http.get("/api/v1/users/me", headers=bearer(tokens.json()))
    assert me.status_code == 200 and me.json()["nickname"] == "민지"
    _assert_problem(await auth_env.http.post("/api/v1/auth/code/redeem", json=redeem), 401)
    _assert_problem(
        await auth_env.http.post("/api/v1/auth/code/redeem", json={**redeem, "code": "guess"}), 401
    )


async def test_a_one_time_code_is_redeemed_only_with_the_apps_pkce_verifier(auth_env, fakes):
    async def parked_code() -> str:
        query = await consent(auth_env, fakes, "google", USERS["google"], redirect_uri=APP_REDIRECT)
        reply = await auth_env.http.get("/api/v1/auth/google/callback", params=query)
        assert reply.status_code == 302, reply.text
        return parse_qs(urlsplit(reply.headers["location"]).query)["code"][0]

    # An app that caught the deep link (same scheme) or a code pushed into a victim's app: the
    # verifier is not theirs. A wrong one spends the code, so it cannot be guessed at.
    code = await parked_code()
    stranger = {"code": code, "code_verifier": "x" * 43}
    _assert_problem(await auth_env.http.post("/api/v1/auth/code/redeem", json=stranger), 401)
    mine = {"code": code, "code_verifier": APP_VERIFIER}
    _assert_problem(await auth_env.http.post("/api/v1/auth/code/redeem", json=mine), 401)
    without = await auth_env.http.post("/api/v1/auth/code/redeem", json={"code": await parked_code()})
    _assert_problem(without, 422)
    good = {"code": await parked_code(), "code_verifier": APP_VERIFIER}
    assert (await auth_env.http.post("/api/v1/auth/code/redeem", json=good)).status_code == 200


@pytest.mark.parametrize(
    "pkce",
    [{}, {"code_challenge": APP_CHALLENGE, "code_challenge_method": "plain"}, {"code_challenge": "short"}],
)
async def test_a_deep_link_sign_in_needs_an_s256_challenge(auth_env, pkce):
    reply = await auth_env.http.get(
        "/api/v1/auth/kakao/authorize", params={"redirect_uri": APP_REDIRECT, **pkce}
    )
    _assert_problem(reply, 422)
    # Without a deep link the callback answers with tokens: no code, no challenge to bind.
    reply = await auth_env.http.get("/api/v1/auth/kakao/authorize", params={"code_challenge": APP_CHALLENGE})
    _assert_problem(reply, 422)


async def test_starting_sign_ins_is_limited_per_client_address(data_dir, fakes, edge_backends):
    settings = signin_settings(data_dir, provider_settings(fakes), EdgeSettings(authorize_rate_per_minute=3))
    async with edge_stack(settings, edge_backends) as env:
        app = env.http._transport.app

        def from_address(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 50000))
            return httpx.AsyncClient(transport=transport, base_url="http://edge")

        # Fresh addresses: the production limiter's counters live in the shared Redis.
        crowd, neighbour = ("10." + ".".join(str(b) for b in os.urandom(3)) for _ in range(2))
        async with from_address(crowd) as http:
            for _ in range(3):
                assert (await http.get("/api/v1/auth/google/authorize")).status_code == 200
            refused = await http.get("/api/v1/auth/google/authorize")
            _assert_problem(refused, 429)
            assert int(refused.headers["retry-after"]) >= 1
            async with from_address(neighbour) as other:
                assert (await other.get("/api/v1/auth/google/authorize")).status_code == 200
            env.clock.now += 60  # the next minute
            assert (await http.get("/api/v1/auth/google/authorize")).status_code == 200


async def test_expired_one_time_code_is_refused(data_dir, fakes):
    settings = signin_settings(data_dir, {**provider_settings(fakes), "one_time_code_ttl_s": 0})
    async with edge_stack(settings) as env:
        query = await consent(env, fakes, "google", USERS["google"], redirect_uri=APP_REDIRECT)
        reply = await env.http.get("/api/v1/auth/google/callback", params=query)
        code = parse_qs(urlsplit(reply.headers["location"]).query)["code"][0]
        redeem = {"code": code, "code_verifier": APP_VERIFIER}
        _assert_problem(await env.http.post("/api/v1/auth/code/redeem", json=redeem), 401)


@pytest.mark.parametrize(
    "redirect",
    ["https://evil.example/steal", "wastecoach://signin.evil", f"{APP_REDIRECT}/x", f"{APP_REDIRECT}#x"],
)
async def test_redirect_not_on_the_allow_list_is_refused(auth_env, redirect):
    reply = await auth_env.http.get("/api/v1/auth/naver/authorize", params={"redirect_uri": redirect})
    _assert_problem(reply, 400, 422)


async def test_unknown_and_unconfigured_providers(data_dir, fakes):
    only_google = {k: v for k, v in provider_settings(fakes).items() if not k.startswith(("kakao", "naver"))}
    async with edge_stack(signin_settings(data_dir, only_google)) as env:
        reply = await env.http.get("/api/v1/auth/kakao/authorize")
        _assert_problem(reply, 409)
        assert reply.json()["detail"] == "provider not configured: kakao"
        token = await env.http.post("/api/v1/auth/naver/token", json={"access_token": "x"})
        _assert_problem(token, 409)
        _assert_problem(await env.http.get("/api/v1/auth/facebook/authorize"), 404)
        assert (await env.http.get("/api/v1/auth/google/authorize")).status_code == 200


@pytest.mark.parametrize("provider", ["kakao", "google"])
async def test_native_sdk_token_of_our_app_is_accepted(auth_env, fakes, provider):
    token = fakes.all[provider].issue_token(USERS[provider])
    reply = await auth_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": token})
    assert reply.status_code == 200, reply.text
    assert reply.headers["cache-control"] == "no-store"
    me = await auth_env.http.get("/api/v1/users/me", headers=bearer(reply.json()))
    assert me.status_code == 200
    # The browser flow lands in the same account.
    assert _sub((await sign_in(auth_env, fakes, provider)).json()) == _sub(reply.json())
    forged = await auth_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": "forged"})
    _assert_problem(forged, 401)
    expired = fakes.all[provider].issue_token(USERS[provider], expires_in=-1)
    _assert_problem(
        await auth_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": expired}), 401
    )


async def test_google_sdk_token_of_our_mobile_client_is_accepted(auth_env, fakes):
    fakes.google.tokeninfo_requests.clear()
    token = fakes.google.issue_token(USERS["google"], app=GOOGLE_ANDROID_CLIENT)
    reply = await auth_env.http.post("/api/v1/auth/google/token", json={"access_token": token})
    assert reply.status_code == 200, reply.text
    # tokeninfo gets the token as a query parameter only, as Google documents it.
    assert fakes.google.tokeninfo_requests == [
        {"method": "GET", "authorization": "False", "access_token": token}
    ]


@pytest.mark.parametrize("provider", ["kakao", "google"])
async def test_sdk_token_issued_to_another_app_is_refused(auth_env, fakes, provider):
    # Token substitution: another app with the same provider login replays its user's token here.
    token = fakes.all[provider].issue_token(USERS[provider], app=OTHER_APP[provider])
    reply = await auth_env.http.post(f"/api/v1/auth/{provider}/token", json={"access_token": token})
    _assert_problem(reply, 401)
    assert "another app" in reply.json()["detail"]
    assert await _accounts(auth_env) == []


async def test_sdk_token_introspected_for_another_user_is_refused(fakes, monkeypatch):
    from pydantic import SecretStr

    from svc_auth.oauth import OAuthProvider
    from svc_auth.providers import SPECS

    fake = fakes.kakao
    provider = OAuthProvider(
        SPECS["kakao"].at(fakes.base_url("kakao")),
        fake.client_id,
        SecretStr(fake.client_secret),
        5.0,
        sdk_audience=frozenset({str(fake.app_id)}),
    )
    token = fake.issue_token(USERS["kakao"])
    assert (await provider.profile_for_token(token)).provider_user_id == str(USERS["kakao"]["id"])
    other = {**USERS["kakao"], "id": 99}

    async def someone_else(client):
        return SPECS["kakao"].to_profile(other)

    monkeypatch.setattr(provider, "_profile", someone_else)
    with pytest.raises(ProviderRefused):
        await provider.profile_for_token(token)


async def test_sdk_sign_in_without_our_app_id_is_not_configured(data_dir, fakes):
    settings = {**provider_settings(fakes), "kakao_app_id": None}
    async with edge_stack(signin_settings(data_dir, settings)) as env:
        token = fakes.kakao.issue_token(USERS["kakao"])
        reply = await env.http.post("/api/v1/auth/kakao/token", json={"access_token": token})
        _assert_problem(reply, 409)
        assert reply.json()["detail"].startswith("kakao SDK sign-in not configured")
        assert await _accounts(env) == []
        # The browser flow does not depend on it.
        assert (await sign_in(env, fakes, "kakao")).status_code == 200


async def test_naver_sdk_tokens_are_refused_unless_opted_in(auth_env, fakes, tmp_path):
    token = fakes.naver.issue_token(USERS["naver"])
    reply = await auth_env.http.post("/api/v1/auth/naver/token", json={"access_token": token})
    _assert_problem(reply, 409)
    assert reply.json()["detail"].startswith("naver SDK sign-in not configured")
    assert await _accounts(auth_env) == []
    assert (await sign_in(auth_env, fakes, "naver")).status_code == 200  # the code flow remains

    settings = signin_settings(
        tmp_path / "opted-in", {**provider_settings(fakes), "naver_accept_sdk_tokens": True}
    )
    async with edge_stack(settings) as env:
        accepted = await env.http.post("/api/v1/auth/naver/token", json={"access_token": token})
        assert accepted.status_code == 200, accepted.text
        forged = await env.http.post("/api/v1/auth/naver/token", json={"access_token": "forged"})
        _assert_problem(forged, 401)


async def test_accounts_link_only_through_verified_email(auth_env, fakes):
    google = _sub((await sign_in(auth_env, fakes, "google")).json())
    kakao = _sub((await sign_in(auth_env, fakes, "kakao")).json())
    assert kakao == google  # both providers vouch for minji@example.kr
    naver = _sub((await sign_in(auth_env, fakes, "naver")).json())
    assert naver != google  # Naver does not say the address is verified
    unverified = {
        "id": 777,
        "kakao_account": {
            "email": "MINJI@example.kr",
            "is_email_verified": False,
            "profile": {"nickname": "x"},
        },
    }
    assert _sub((await sign_in(auth_env, fakes, "kakao", unverified)).json()) != google
    stolen = {"sub": "2", "email": "minji@example.kr", "email_verified": "false", "name": "m"}
    assert _sub((await sign_in(auth_env, fakes, "google", stolen)).json()) != google
    assert len({row[0] for row in await _accounts(auth_env)}) == 4
