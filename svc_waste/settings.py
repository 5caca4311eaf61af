"""Settings of svc_waste."""

from __future__ import annotations

from pathlib import Path

from mesh.settings import MeshSettings, SettingsSection


class WasteSettings(SettingsSection):
    # Unset: images stay in a local folder under data_dir.
    s3_bucket: str | None = None
    s3_region: str = "ap-northeast-2"
    s3_endpoint_url: str | None = None
    outbox_interval_s: float = 5.0
    # A scan with no progress this long after its job was (re)sent lost its job: it is re-driven.
    # Long enough that a RabbitMQ backlog (durable, so not lost) is not sent twice; the embedded
    # default re-drives its lost queue at start instead.
    redrive_after_s: float = 600.0
    # A scan with no progress for this long stops being re-driven: it fails visibly (or keeps the
    # result it had, when a re-classification was lost).
    give_up_after_s: float = 1800.0


def images_dir(mesh: MeshSettings) -> Path:
    """Where images stay when no S3 bucket is set."""
    return mesh.data_dir / "images"
