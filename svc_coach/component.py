"""Wires svc_coach: knowledge base, in-memory search index, optional LLM, servicer."""

from __future__ import annotations

from pathlib import Path

from mesh.component import ServiceComponent
from mesh.grpc_server import ServiceSpec
from protos.wastecoach.coach.v1 import coach_pb2, coach_pb2_grpc
from svc_coach import kb as knowledge
from svc_coach.llm import LlmWriter
from svc_coach.search import SearchIndex
from svc_coach.servicer import CoachServicer
from svc_coach.settings import CoachSettings

SERVICE_NAME = coach_pb2.DESCRIPTOR.services_by_name["CoachService"].full_name


def build(settings: CoachSettings, knowledge_dir: Path = knowledge.KNOWLEDGE_DIR) -> ServiceComponent:
    """Needs nothing of the mesh's settings: no database, no other service."""
    # Loaded (and validated) here, not at import: a broken KB file fails start-up loudly.
    kb = knowledge.load(knowledge_dir)
    # Search runs in memory over the whole base: it needs no database.
    index = SearchIndex(kb)
    llm = LlmWriter.from_settings(settings)
    servicer = CoachServicer(kb, index, llm)

    async def shutdown() -> None:
        if llm is not None:
            await llm.close()

    return ServiceComponent(
        name="coach",
        specs=[ServiceSpec(SERVICE_NAME, coach_pb2_grpc.add_CoachServiceServicer_to_server, servicer)],
        shutdown=shutdown,
    )
