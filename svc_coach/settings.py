"""CoachSettings: the mesh settings plus the optional LLM that writes coaching text."""

from __future__ import annotations

from mesh.settings import MeshSettings


class CoachSettings(MeshSettings):
    # Unset api key: no LLM; coaching is composed from the knowledge base alone.
    openai_api_key: str | None = None
    # Any OpenAI-compatible endpoint (e.g. a local gateway); unset means api.openai.com.
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 4.0
    # The client retries 429s and timeouts itself (honouring Retry-After) this many times.
    llm_max_retries: int = 2
    # All tries together stay under the callers' 10 s gRPC deadline: past it the KB text is served.
    llm_budget_s: float = 6.0

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_api_key)

    @classmethod
    def from_mesh(cls, settings: MeshSettings) -> CoachSettings:
        """The runner hands components MeshSettings; the coach's WASTECOACH_OPENAI_* are read here."""
        if isinstance(settings, cls):
            return settings
        return cls(**settings.model_dump())
