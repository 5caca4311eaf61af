"""Settings of svc_auth on top of the mesh's: provider credentials, endpoints and redirects."""

from __future__ import annotations

from pydantic import Field, SecretStr

from mesh.settings import MeshSettings


class AuthSettings(MeshSettings):
    # A provider is offered only when both its id and secret are set (SecretStr: never logged).
    kakao_client_id: str = ""
    kakao_client_secret: SecretStr = SecretStr("")
    naver_client_id: str = ""
    naver_client_secret: SecretStr = SecretStr("")
    google_client_id: str = ""
    google_client_secret: SecretStr = SecretStr("")
    # Replaces scheme and host of every endpoint of that provider (tests point them at loopback).
    kakao_base_url: str | None = None
    naver_base_url: str | None = None
    google_base_url: str | None = None
    # The edge's callback URL, registered with every provider.
    oauth_redirect_uri: str = "http://127.0.0.1:8000/api/v1/auth/{provider}/callback"
    # Deep links the app may ask to land on after sign-in; exact matches only.
    app_redirect_allowlist: list[str] = Field(default_factory=list)
    oauth_state_ttl_s: int = 600
    one_time_code_ttl_s: int = 60
    provider_timeout_s: float = 10.0

    def redirect_uri_for(self, provider: str) -> str:
        return self.oauth_redirect_uri.replace("{provider}", provider)
