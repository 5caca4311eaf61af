"""Wires svc_auth: engine, repository, signing key bootstrap, servicer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mesh.component import ServiceComponent
from mesh.db import create_engine, ping, session_factory
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.auth.v1 import auth_pb2, auth_pb2_grpc
from svc_auth import domain
from svc_auth.repo import AuthRepo
from svc_auth.servicer import AuthServicer

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name


def build(settings: MeshSettings) -> ServiceComponent:
    url = settings.database_url_for("auth")
    engine = create_engine(url)
    repo = AuthRepo(session_factory(engine))

    async def ensure_signing_key() -> None:
        if domain.active_key(await repo.keys()) is None:
            await repo.add_key(domain.new_signing_key(datetime.now(UTC)))

    return ServiceComponent(
        name="auth",
        specs=[
            ServiceSpec(
                SERVICE_NAME,
                auth_pb2_grpc.add_AuthServiceServicer_to_server,
                AuthServicer(repo, production=settings.production),
            )
        ],
        startup=ensure_signing_key,
        migrate=lambda: upgrade_async(url, MIGRATIONS, "alembic_version_auth"),
        shutdown=engine.dispose,
        check=lambda: ping(engine),
    )
