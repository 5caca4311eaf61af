"""Rotating the signing key signs nobody out; a retired key leaves the JWKS once its tokens expired."""

import asyncio
from datetime import UTC, datetime

from jose import jwt

from mesh.db import create_engine, session_factory
from mesh.settings import MeshSettings
from svc_auth import domain, keys
from svc_auth.component import build
from svc_auth.repo import AuthRepo
from svc_auth.settings import AuthSettings
from wastecoach.cli import main


def _kid(tokens: dict) -> str:
    return jwt.get_unverified_header(tokens["access_token"])["kid"]


async def _login(env, nickname: str) -> dict:
    reply = await env.http.post("/api/v1/auth/dev/login", json={"nickname": nickname})
    assert reply.status_code == 200
    return reply.json()


async def test_rotation_keeps_old_tokens_valid_and_prunes_later(auth_env):
    engine = create_engine(auth_env.settings.mesh.database_url_for("auth"))
    repo = AuthRepo(session_factory(engine))
    try:
        before = await _login(auth_env, "early")
        now = datetime.now(UTC)
        fresh = await keys.rotate(repo, now)
        after = await _login(auth_env, "late")
        assert _kid(after) == fresh.kid != _kid(before)
        for tokens in (before, after):
            me = await auth_env.http.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
            )
            assert me.status_code == 200, me.text
        published = [k["kid"] for k in (await auth_env.http.get("/api/v1/auth/jwks.json")).json()["keys"]]
        assert published == [fresh.kid, _kid(before)]
        # A refresh token from before the rotation still works, and is now signed with the new key.
        renewed = await auth_env.http.post(
            "/api/v1/auth/token/refresh", json={"refresh_token": before["refresh_token"]}
        )
        assert _kid(renewed.json()) == fresh.kid
        assert await keys.prune(repo, now + domain.ACCESS_TTL) == []  # still verifying
        assert await keys.prune(repo, now + domain.ACCESS_TTL + domain.CLOCK_SKEW) == [_kid(before)]
        published = [k["kid"] for k in (await auth_env.http.get("/api/v1/auth/jwks.json")).json()["keys"]]
        assert published == [fresh.kid]
    finally:
        await engine.dispose()


def test_published_keys_drop_retired_ones_after_the_access_ttl():
    now = datetime.now(UTC)
    expired_at = now - domain.ACCESS_TTL - domain.CLOCK_SKEW
    old = domain.retire(domain.new_signing_key(expired_at), expired_at)
    recent = domain.retire(domain.new_signing_key(now), now)
    live = domain.new_signing_key(now)
    assert domain.published([old, recent, live], now) == [recent, live]
    assert domain.active_key([old, recent, live]) == live


async def test_rotate_keys_command(data_dir, monkeypatch):
    component = build(MeshSettings(data_dir=data_dir), AuthSettings())
    await component.migrate()
    await component.startup()
    await component.shutdown()
    monkeypatch.setenv("WASTECOACH_DATA_DIR", str(data_dir))
    # The command runs its own event loop, as from a shell.
    assert await asyncio.to_thread(main, ["rotate-keys"]) == 0
    engine = create_engine(MeshSettings(data_dir=data_dir).database_url_for("auth"))
    try:
        found = await AuthRepo(session_factory(engine)).keys()
    finally:
        await engine.dispose()
    assert len(found) == 2 and sum(k.retired_at is None for k in found) == 1
