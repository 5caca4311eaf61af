"""Wires svc_locations: engine, repository, servicer; migrate = Alembic, then the open-data import."""

from __future__ import annotations

from pathlib import Path

from mesh.component import ServiceComponent
from mesh.db import create_engine
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.locations.v1 import locations_pb2, locations_pb2_grpc
from svc_locations.repo import LocationsRepo
from svc_locations.seed import seed
from svc_locations.servicer import LocationsServicer
from svc_locations.settings import LocationsSettings

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_locations"
SERVICE_NAME = locations_pb2.DESCRIPTOR.services_by_name["LocationsService"].full_name


def build(settings: MeshSettings) -> ServiceComponent:
    own = LocationsSettings.from_mesh(settings)
    url = own.database_url_for("locations")
    engine = create_engine(url)
    repo = LocationsRepo(engine)

    async def migrate() -> None:
        await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
        await seed(repo, own.locations_data_dir, own.production)

    register = locations_pb2_grpc.add_LocationsServiceServicer_to_server
    return ServiceComponent(
        name="locations",
        specs=[ServiceSpec(SERVICE_NAME, register, LocationsServicer(repo))],
        migrate=migrate,
        shutdown=engine.dispose,
    )
