"""A deleted account stays deleted: after `wastecoach up` restarts (the edge's in-process marker of
the deletion gone) and through a cache outage, on SQLite and on PostgreSQL."""

from contextlib import asynccontextmanager

import httpx
import pytest
from jose import jwt
from sqlalchemy import text

from mesh.db import create_engine
from mesh.settings import MeshSettings
from mesh.tombstone import DELETED_DETAIL
from tests.auth.signin import bearer
from tests.conftest import create_pg_database, drop_pg_database
from tests.faults.conftest import closed_port
from tests.waste.test_lifecycle_servicer import jpeg
from wastecoach.runner import Mesh
from wastecoach.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
async def up_settings(request, tmp_path):
    """`wastecoach up` on its embedded SQLite files, or on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield Settings(mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False))
        return
    name, url = await create_pg_database("wc_deleted")
    yield Settings(mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False, database_url=url))
    await drop_pg_database(name)


async def _rows_of(settings: Settings, user_id: str) -> dict[str, int]:
    counts = {}
    for service, table in (("users", "user_profiles"), ("waste", "scans"), ("auth", "auth_accounts")):
        engine = create_engine(settings.mesh.database_url_for(service))
        try:
            async with engine.connect() as connection:
                counts[table] = (
                    await connection.execute(
                        text(f"SELECT count(*) FROM {table} WHERE user_id = :user_id"), {"user_id": user_id}
                    )
                ).scalar_one()
        finally:
            await engine.dispose()
    return counts


@asynccontextmanager
async def _up(settings: Settings):
    mesh = Mesh(settings, run_consumers=False)
    await mesh.start(port=0)
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            yield http
    finally:
        await mesh.stop()


async def _signed_up_and_deleted(settings: Settings) -> tuple[dict[str, str], str]:
    async with _up(settings) as http:
        tokens = (await http.post("/api/v1/auth/dev/login", json={"nickname": "gone"})).json()
        headers = bearer(tokens)
        scan = await http.post(
            "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
        )
        assert scan.status_code == 202, scan.text
        gone = await http.delete("/api/v1/users/me", headers=headers, params={"confirm": "DELETE"})
        assert gone.status_code == 204, gone.text
    return headers, jwt.get_unverified_claims(tokens["access_token"])["sub"]


async def test_a_deleted_account_stays_deleted_after_a_restart(up_settings):
    headers, user_id = await _signed_up_and_deleted(up_settings)
    # `up` again on the same data: the edge's in-process marker of the deletion died with the process,
    # the access token is still within its 15 minutes.
    async with _up(up_settings) as http:
        me = await http.get("/api/v1/users/me", headers=headers)
        assert me.status_code == 401 and me.json()["detail"] == DELETED_DETAIL, me.text
        scan = await http.post(
            "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
        )
        assert scan.status_code == 401, scan.text
        refreshed = await http.post("/api/v1/auth/token/refresh", json={"refresh_token": "x" * 43})
        assert refreshed.status_code == 401
    assert await _rows_of(up_settings, user_id) == {"user_profiles": 0, "scans": 0, "auth_accounts": 0}


async def test_a_cache_outage_does_not_let_a_deleted_account_back_in(up_settings):
    # Redis unreachable: the edge's marker of the deletion is never written, and cannot be read.
    settings = up_settings.with_mesh(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    headers, user_id = await _signed_up_and_deleted(settings)
    async with _up(settings) as http:
        # Routes that only read are refused too: the users service's tombstone decides.
        for path in ("/api/v1/users/me/stats", "/api/v1/users/me/scans", "/api/v1/users/me"):
            reply = await http.get(path, headers=headers)
            assert reply.status_code == 401 and reply.json()["detail"] == DELETED_DETAIL, (path, reply.text)
        # A live account keeps working through the same outage.
        other = bearer((await http.post("/api/v1/auth/dev/login", json={"nickname": "stays"})).json())
        assert (await http.get("/api/v1/users/me/stats", headers=other)).status_code == 200
    assert await _rows_of(settings, user_id) == {"user_profiles": 0, "scans": 0, "auth_accounts": 0}
