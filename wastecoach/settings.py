"""All settings of a process: the mesh's section and one per component, never merged.

The composition root hands each component the mesh's section and its own, so a component cannot
see another's settings. Every setting keeps its flat `WASTECOACH_<SETTING>` variable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from consumers.settings import ConsumerSettings
from edge.settings import EdgeSettings
from mesh.settings import MeshSettings, read_env
from svc_auth.settings import AuthSettings
from svc_coach.settings import CoachSettings
from svc_locations.settings import LocationsSettings
from svc_waste.settings import WasteSettings


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

    def with_mesh(self, **changes: Any) -> Settings:
        """A copy with some of the mesh's settings changed (`up` binds services to ports of its own)."""
        return self.model_copy(update={"mesh": self.mesh.model_copy(update=changes)})
