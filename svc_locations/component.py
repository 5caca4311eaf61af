"""Wires svc_locations: engine, repository, servicer; migrate = Alembic, then the open-data import."""

from __future__ import annotations

from pathlib import Path

from mesh.component import ServiceComponent
from mesh.db import create_engine, ping
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.locations.v1 import locations_pb2, locations_pb2_grpc
from svc_locations.importer import ImportReport
from svc_locations.kakao import KakaoLocal
from svc_locations.repo import LocationsRepo
from svc_locations.seed import seed
from svc_locations.servicer import LocationsServicer
from svc_locations.settings import LocationsSettings

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_locations"
SERVICE_NAME = locations_pb2.DESCRIPTOR.services_by_name["LocationsService"].full_name


def build(mesh: MeshSettings, own: LocationsSettings) -> ServiceComponent:
    url = mesh.database_url_for("locations")
    engine = create_engine(url)
    repo = LocationsRepo(engine)

    async def migrate() -> None:
        await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
        await seed(repo, own.locations_data_dir, mesh.production)

    kakao: list[KakaoLocal] = []

    def kakao_client() -> KakaoLocal | None:
        # Created on first use, so a service without a key never opens an HTTP client.
        if not kakao and own.kakao_rest_api_key:
            kakao.append(
                KakaoLocal.create(own.kakao_local_base_url, own.kakao_rest_api_key, own.kakao_timeout_s)
            )
        return kakao[0] if kakao else None

    async def refresh() -> list[ImportReport]:
        return await seed(repo, own.locations_data_dir, mesh.production)

    async def shutdown() -> None:
        for client in kakao:
            await client.aclose()
        await engine.dispose()

    register = locations_pb2_grpc.add_LocationsServiceServicer_to_server
    servicer = LocationsServicer(repo, kakao_client, refresh if own.locations_data_dir else None)
    return ServiceComponent(
        name="locations",
        specs=[ServiceSpec(SERVICE_NAME, register, servicer)],
        migrate=migrate,
        shutdown=shutdown,
        check=lambda: ping(engine),
    )
