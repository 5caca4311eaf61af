"""Signing-key rotation without signing anyone out.

`rotate` adds a new key that signs from now on and retires the previous one; a retired key
stays in the JWKS until the last access token it signed has expired, then `prune` drops it.
Run it with `wastecoach rotate-keys` (a cron job in production).
"""

from __future__ import annotations

from datetime import datetime

from mesh.db import create_engine, session_factory
from mesh.settings import MeshSettings
from svc_auth import domain
from svc_auth.repo import AuthRepo


async def rotate(repo: AuthRepo, now: datetime) -> domain.SigningKey:
    previous = [k for k in await repo.keys() if k.retired_at is None]
    fresh = domain.new_signing_key(now)
    # Added before the old ones retire: there is never a moment without a key to sign with.
    await repo.add_key(fresh)
    for key in previous:
        await repo.retire_key(key.kid, now)
    await prune(repo, now)
    return fresh


async def prune(repo: AuthRepo, now: datetime) -> list[str]:
    gone = [k.kid for k in await repo.keys() if not domain.still_verifying(k, now)]
    await repo.delete_keys(gone)
    return gone


async def rotate_stored(settings: MeshSettings, now: datetime) -> domain.SigningKey:
    """`wastecoach rotate-keys`: one rotation against the configured database (already migrated)."""
    engine = create_engine(settings.database_url_for("auth"))
    try:
        return await rotate(AuthRepo(session_factory(engine)), now)
    finally:
        await engine.dispose()
