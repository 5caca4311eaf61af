"""All settings of a process: the mesh's section and one per component, never merged.

The composition root hands each component the mesh's section and its own, so a component cannot
see another's settings. Every setting keeps its flat `WASTECOACH_<SETTING>` variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from consumers.settings import ConsumerSettings
from edge.settings import EdgeSettings
from mesh.settings import ENV_PREFIX, MeshSettings, env_names, read_env
from svc_auth.settings import AuthSettings
from svc_coach.settings import CoachSettings
from svc_locations.settings import LocationsSettings
from svc_waste.settings import WasteSettings

# Read outside the settings: where `wastecoach vision` keeps its feature cache.
OTHER_VARIABLES = {"WASTECOACH_VISION_CACHE"}


class Settings(BaseModel):
    """Built in code (tests), a section left out has its defaults; `from_env` reads them all."""

    model_config = ConfigDict(extra="forbid")

    mesh: MeshSettings = Field(default_factory=MeshSettings)
    edge: EdgeSettings = Field(default_factory=EdgeSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    waste: WasteSettings = Field(default_factory=WasteSettings)
    coach: CoachSettings = Field(default_factory=CoachSettings)
    locations: LocationsSettings = Field(default_factory=LocationsSettings)
    consumers: ConsumerSettings = Field(default_factory=ConsumerSettings)

    @classmethod
    def from_env(cls) -> Settings:
        """Every section from the environment, once; entry points only."""
        return cls(**{name: read_env(field.annotation) for name, field in cls.model_fields.items()})

    @classmethod
    def unknown_variables(cls, environ: Mapping[str, str]) -> list[str]:
        """`WASTECOACH_*` variables no setting reads (a typo is otherwise silently ignored)."""
        known = OTHER_VARIABLES.union(*(env_names(field.annotation) for field in cls.model_fields.values()))
        return sorted(
            name for name in environ if name.upper().startswith(ENV_PREFIX) and name.upper() not in known
        )

    def with_mesh(self, **changes: Any) -> Settings:
        """A copy with some of the mesh's settings changed (`up` binds services to ports of its own)."""
        return self.model_copy(update={"mesh": self.mesh.model_copy(update=changes)})
