"""Wires svc_users: engine, repository, servicer."""

from __future__ import annotations

from pathlib import Path

from mesh.component import ServiceComponent
from mesh.db import create_engine, ping, session_factory
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from svc_users.repo import UsersRepo
from svc_users.servicer import UsersServicer

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = users_pb2.DESCRIPTOR.services_by_name["UsersService"].full_name


def build(mesh: MeshSettings) -> ServiceComponent:
    url = mesh.database_url_for("users")
    engine = create_engine(url)
    servicer = UsersServicer(UsersRepo(session_factory(engine)))
    return ServiceComponent(
        name="users",
        specs=[ServiceSpec(SERVICE_NAME, users_pb2_grpc.add_UsersServiceServicer_to_server, servicer)],
        migrate=lambda: upgrade_async(url, MIGRATIONS, "alembic_version_users"),
        shutdown=engine.dispose,
        check=lambda: ping(engine),
    )
