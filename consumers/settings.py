"""Settings of the queue consumers (and of the in-process queue that runs them in one process)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mesh.settings import SettingsSection, env_alias


class ConsumerSettings(SettingsSection):
    prefetch_q_ai: int = 4
    prefetch_q_api: int = 8
    prefetch_q_sched: int = 1
    prefetch_q_batch: int = 16
    inprocess_workers: int = 2
    max_attempts: int = 3
    retry_base_delay_s: float = 1.0
    # Cloud vision (any OpenAI-compatible server); unset key → on-device model only. Its own
    # variables, apart from the coaching LLM's; WASTECOACH_OPENAI_API_KEY/_BASE_URL serve both.
    vision_openai_api_key: str | None = Field(
        None, validation_alias=env_alias("VISION_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    vision_openai_base_url: str | None = Field(
        None, validation_alias=env_alias("VISION_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    vision_openai_model: str = Field(
        "gpt-4o", validation_alias=env_alias("VISION_OPENAI_MODEL", "OPENAI_VISION_MODEL")
    )
    vision_timeout_s: float = 10.0
    vision_threads: int = 2
    # With a key: "cascade" asks the on-device model first and the cloud only when it is unsure or its
    # category is in vision_cloud_families (see vision.cloud.Cascade); "cloud_first" asks the cloud
    # for every scan.
    vision_mode: Literal["cascade", "cloud_first"] = "cascade"
    vision_cloud_families: tuple[str, ...] = ("plastic", "can_metal", "glass", "general")
    image_retention_days: int = 30

    def prefetch(self, queue: str) -> int:
        return getattr(self, "prefetch_" + queue.replace(".", "_"))
