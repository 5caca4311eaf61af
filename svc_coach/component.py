"""Wires svc_coach: knowledge base, engine, repository, optional LLM, servicer."""

from __future__ import annotations

from pathlib import Path

from mesh.component import ServiceComponent
from mesh.db import create_engine, session_factory
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.coach.v1 import coach_pb2, coach_pb2_grpc
from svc_coach import kb as knowledge
from svc_coach.llm import LlmWriter
from svc_coach.repo import CoachRepo
from svc_coach.servicer import CoachServicer
from svc_coach.settings import CoachSettings

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = coach_pb2.DESCRIPTOR.services_by_name["CoachService"].full_name


def build(settings: MeshSettings, knowledge_dir: Path = knowledge.KNOWLEDGE_DIR) -> ServiceComponent:
    coach = CoachSettings.from_mesh(settings)
    # Loaded (and validated) here, not at import: a broken KB file fails start-up loudly.
    kb = knowledge.load(knowledge_dir)
    url = coach.database_url_for("coach")
    engine = create_engine(url)
    repo = CoachRepo(session_factory(engine))
    llm = LlmWriter.from_settings(coach)
    servicer = CoachServicer(kb, repo, llm)

    async def migrate() -> None:
        await upgrade_async(url, MIGRATIONS, "alembic_version_coach")
        await repo.seed(kb)

    async def shutdown() -> None:
        if llm is not None:
            await llm.close()
        await engine.dispose()

    return ServiceComponent(
        name="coach",
        specs=[ServiceSpec(SERVICE_NAME, coach_pb2_grpc.add_CoachServiceServicer_to_server, servicer)],
        migrate=migrate,
        shutdown=shutdown,
    )
