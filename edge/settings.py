"""Settings of the REST edge."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mesh.settings import SettingsSection


class EdgeSettings(SettingsSection):
    http_host: str = "0.0.0.0"
    http_port: int = 8000
    # How long the server keeps an idle keep-alive connection: longer than the load balancer's idle
    # timeout (120 s, terraform/modules/ingress), which the chart adds 5 s to and sets here.
    # uvicorn's 5 s made clients that reuse a connection meet resets.
    http_keepalive_s: int = 125
    jwks_ttl_s: float = 300.0
    # Sign-ins and scan submissions one edge process admits at a time; beyond, 503 + Retry-After at
    # once (edge/admission.py) rather than a timeout after the gRPC deadline.
    max_concurrent_sign_ins: int = Field(16, gt=0)
    max_concurrent_submissions: int = Field(32, gt=0)
    max_upload_bytes: int = 15 * 1024 * 1024
    # Per-user scan submissions per minute (enforced with Redis when configured, in-process otherwise).
    scan_rate_per_minute: int = Field(30, gt=0)
    # Sign-ins started (GET /auth/{provider}/authorize) per client address and minute.
    authorize_rate_per_minute: int = Field(30, gt=0)
    # Peers whose X-Forwarded-For names the client (uvicorn's forwarded_allow_ips: addresses or CIDRs,
    # comma-separated, or "*"). Behind the ingress: its pods' range, so the sign-in limit above counts
    # the phone's address rather than the ingress pod's. Loopback only by default.
    forwarded_allow_ips: str = "127.0.0.1"
    # Sign-in buttons of the web client at `/` (kakao, naver, google): list those configured in
    # svc_auth, and put the page's URL (e.g. https://host/) in WASTECOACH_APP_REDIRECT_ALLOWLIST.
    web_sign_in_providers: list[Literal["kakao", "naver", "google"]] = Field(default_factory=list)
