"""svc_locations settings: the open-data folder and the Kakao Local key."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from mesh.settings import SettingsSection


def default_locations_dir() -> Path | None:
    """`<repo root>/../shared/locations`, where the real exports lie beside a checkout, if present."""
    candidate = Path(__file__).resolve().parents[1].parent / "shared" / "locations"
    return candidate if candidate.is_dir() else None


class LocationsSettings(SettingsSection):
    # WASTECOACH_LOCATIONS_DATA_DIR; None (and no folder beside the checkout) means no open data.
    locations_data_dir: Path | None = Field(default_factory=default_locations_dir)
    kakao_rest_api_key: str | None = None
    kakao_local_base_url: str = "https://dapi.kakao.com"
    kakao_timeout_s: float = 5.0
