"""svc_locations settings: the mesh settings plus the open-data folder and the Kakao Local key."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from mesh.settings import MeshSettings


def default_locations_dir() -> Path | None:
    """`<repo root>/../shared/locations`, where the real exports lie beside a checkout, if present."""
    candidate = Path(__file__).resolve().parents[1].parent / "shared" / "locations"
    return candidate if candidate.is_dir() else None


class LocationsSettings(MeshSettings):
    # WASTECOACH_LOCATIONS_DATA_DIR; None (and no folder beside the checkout) means no open data.
    locations_data_dir: Path | None = Field(default_factory=default_locations_dir)
    kakao_rest_api_key: str | None = None
    kakao_local_base_url: str = "https://dapi.kakao.com"
    kakao_timeout_s: float = 5.0

    @classmethod
    def from_mesh(cls, settings: MeshSettings) -> LocationsSettings:
        """The service's own settings from what an entry point read; defaults for what it did not
        (never the environment again: only entry points read it)."""
        if isinstance(settings, cls):
            return settings
        return cls.model_construct(**settings.model_dump())
