"""CoachSettings: the optional LLM that writes coaching text."""

from __future__ import annotations

from pydantic import Field

from mesh.settings import SettingsSection, env_alias


class CoachSettings(SettingsSection):
    # Unset api key: no LLM; coaching is composed from the knowledge base alone. Its own variables,
    # apart from cloud vision's; WASTECOACH_OPENAI_API_KEY/_BASE_URL serve both.
    coach_openai_api_key: str | None = Field(
        None, validation_alias=env_alias("COACH_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    # Any OpenAI-compatible endpoint (e.g. a local gateway); unset means api.openai.com.
    coach_openai_base_url: str | None = Field(
        None, validation_alias=env_alias("COACH_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    coach_openai_model: str = Field(
        "gpt-4o-mini", validation_alias=env_alias("COACH_OPENAI_MODEL", "OPENAI_MODEL")
    )
    llm_timeout_s: float = 4.0
    # The client retries 429s and timeouts itself (honouring Retry-After) this many times.
    llm_max_retries: int = 2
    # All tries together stay under the callers' 10 s gRPC deadline: past it the KB text is served.
    llm_budget_s: float = 6.0

    @property
    def llm_enabled(self) -> bool:
        return bool(self.coach_openai_api_key)
