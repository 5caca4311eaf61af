"""Token checks at the edge: everything but a valid ES256 token from our JWKS is refused with 401."""

import base64
import json
from datetime import UTC, datetime, timedelta

from jose import jwt

from svc_auth import domain

PROBLEM = "application/problem+json"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def _assert_401(env, token: str) -> None:
    reply = await env.http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 401, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    assert reply.json()["status"] == 401


async def test_missing_token_is_401_problem(edge_env):
    reply = await edge_env.http.get("/api/v1/users/me")
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith(PROBLEM)
    assert reply.headers["www-authenticate"].startswith("Bearer")


async def test_valid_token_reads_own_profile(edge_env):
    headers = await edge_env.login("하은")
    me = await edge_env.http.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200 and me.json()["nickname"] == "하은"


async def test_forged_tokens_are_refused(edge_env):
    headers = await edge_env.login("victim")
    good = headers["Authorization"].split()[1]
    header_b64, payload_b64, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload_b64 + "=="))
    kid = jwt.get_unverified_header(good)["kid"]
    # alg none
    await _assert_401(edge_env, f"{_b64({'alg': 'none', 'kid': kid})}.{payload_b64}.")
    # tampered payload, original signature
    claims_other = dict(claims, sub="someone-else")
    await _assert_401(edge_env, f"{header_b64}.{_b64(claims_other)}.{signature}")
    # HS256 signed with the public key as the HMAC secret (algorithm confusion)
    jwks = (await edge_env.http.get("/api/v1/auth/jwks.json")).json()
    public = json.dumps(jwks["keys"][0])
    await _assert_401(edge_env, jwt.encode(claims, public, algorithm="HS256", headers={"kid": kid}))
    # a key we never published
    stranger = domain.new_signing_key(datetime.now(UTC))
    await _assert_401(
        edge_env, jwt.encode(claims, stranger.private_pem, algorithm="ES256", headers={"kid": stranger.kid})
    )
    # our key id, a stranger's signature
    await _assert_401(
        edge_env, jwt.encode(claims, stranger.private_pem, algorithm="ES256", headers={"kid": kid})
    )
    # garbage
    await _assert_401(edge_env, "not.a.jwt")


async def test_expired_token_is_refused(edge_env):
    key = domain.new_signing_key(datetime.now(UTC))
    await _install_key(edge_env, key)
    old = datetime.now(UTC) - timedelta(hours=1)
    expired = domain.issue(domain.Account("u-old", "dev", "x", "old"), key, old).access_token
    await _assert_401(edge_env, expired)
    fresh = domain.issue(domain.Account("u-new", "dev", "y", "new"), key, datetime.now(UTC)).access_token
    reply = await edge_env.http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {fresh}"})
    assert reply.status_code == 200  # same key, valid lifetime: accepted (the kid was fetched on demand)


async def _install_key(env, key) -> None:
    """Rotates a new key into svc_auth's store, as an operator would."""
    from mesh.db import create_engine, session_factory
    from svc_auth.repo import AuthRepo

    engine = create_engine(env.settings.mesh.database_url_for("auth"))
    await AuthRepo(session_factory(engine)).add_key(key)
    await engine.dispose()


async def test_refresh_and_logout_over_rest(edge_env):
    login = (await edge_env.http.post("/api/v1/auth/dev/login", json={"nickname": "r"})).json()
    new = await edge_env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": login["refresh_token"]}
    )
    assert new.status_code == 200
    reused = await edge_env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": login["refresh_token"]}
    )
    assert reused.status_code == 401 and reused.headers["content-type"].startswith(PROBLEM)
    # The reuse revoked the whole family: the token the refresh gave is dead too.
    stolen = await edge_env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": new.json()["refresh_token"]}
    )
    assert stolen.status_code == 401 and stolen.headers["content-type"].startswith(PROBLEM)

    again = (await edge_env.http.post("/api/v1/auth/dev/login", json={"nickname": "r"})).json()
    rotated = await edge_env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": again["refresh_token"]}
    )
    assert rotated.status_code == 200
    out = await edge_env.http.post(
        "/api/v1/auth/logout", json={"refresh_token": rotated.json()["refresh_token"]}
    )
    assert out.status_code == 204
    after = await edge_env.http.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": rotated.json()["refresh_token"]}
    )
    assert after.status_code == 401 and after.headers["content-type"].startswith(PROBLEM)


def _signed(key, **claims) -> str:
    return jwt.encode(claims, key.private_pem, algorithm="ES256", headers={"kid": key.kid})


def _claims(now: datetime, **changes) -> dict:
    base = {
        "iss": domain.ISSUER,
        "aud": domain.AUDIENCE,
        "sub": "u-skew",
        "nickname": "skew",
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + domain.ACCESS_TTL).timestamp()),
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


async def test_clock_skew_up_to_30_s_is_tolerated_and_no_more(edge_env):
    key = domain.new_signing_key(datetime.now(UTC))
    await _install_key(edge_env, key)
    now = datetime.now(UTC)
    # Signed by a svc_auth whose clock runs 2 s ahead of the edge's: nbf and iat lie in the future.
    ahead = domain.issue(domain.Account("u-ahead", "dev", "a", "ahead"), key, now + timedelta(seconds=2))
    reply = await edge_env.http.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {ahead.access_token}"}
    )
    assert reply.status_code == 200, reply.text
    just_expired = _signed(key, **_claims(now, sub="u-late", exp=int(now.timestamp()) - 5))
    reply = await edge_env.http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {just_expired}"})
    assert reply.status_code == 200, reply.text
    minute = int(timedelta(minutes=1).total_seconds())
    await _assert_401(edge_env, _signed(key, **_claims(now, nbf=int(now.timestamp()) + minute)))
    await _assert_401(edge_env, _signed(key, **_claims(now, iat=int(now.timestamp()) + minute)))
    await _assert_401(edge_env, _signed(key, **_claims(now, exp=int(now.timestamp()) - minute)))


async def test_tokens_without_an_audience_or_other_claims_are_refused(edge_env):
    key = domain.new_signing_key(datetime.now(UTC))
    await _install_key(edge_env, key)
    now = datetime.now(UTC)
    for missing in ("aud", "iss", "iat", "nbf", "exp"):
        await _assert_401(edge_env, _signed(key, **_claims(now, **{missing: None})))
    await _assert_401(edge_env, _signed(key, **_claims(now, aud="another-app")))
