"""Settings of svc_waste on top of the mesh's."""

from __future__ import annotations

from pathlib import Path

from mesh.settings import MeshSettings


class WasteSettings(MeshSettings):
    # Unset: images stay in a local folder under data_dir.
    s3_bucket: str | None = None
    s3_region: str = "ap-northeast-2"
    s3_endpoint_url: str | None = None
    outbox_interval_s: float = 5.0
    # A scan still unfinished this long after its job was published lost its job: it is re-driven.
    redrive_after_s: float = 120.0
    # A scan re-driven until this age fails visibly instead.
    give_up_after_s: float = 1800.0

    @property
    def images_dir(self) -> Path:
        return self.data_dir / "images"
