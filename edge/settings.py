"""Settings of the REST edge on top of the mesh's."""

from __future__ import annotations

from mesh.settings import MeshSettings


class EdgeSettings(MeshSettings):
    http_host: str = "0.0.0.0"
    http_port: int = 8000
    jwks_ttl_s: float = 300.0
    max_upload_bytes: int = 15 * 1024 * 1024
    # Per-user scan submissions per minute (enforced with Redis when configured, in-process otherwise).
    scan_rate_per_minute: int = 30
    # Sign-ins started (GET /auth/{provider}/authorize) per client address and minute.
    authorize_rate_per_minute: int = 30
