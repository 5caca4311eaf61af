"""Settings of svc_auth: provider credentials, endpoints and redirects."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator

from mesh.settings import SettingsSection


class AuthSettings(SettingsSection):
    # A provider is offered only when both its id and secret are set (SecretStr: never logged).
    kakao_client_id: str = ""
    kakao_client_secret: SecretStr = SecretStr("")
    naver_client_id: str = ""
    naver_client_secret: SecretStr = SecretStr("")
    google_client_id: str = ""
    google_client_secret: SecretStr = SecretStr("")
    # Native-SDK tokens (POST /{provider}/token) are accepted only when the provider says they were
    # issued to our own app; without these the SDK sign-in answers "not configured" (docs/auth.md).
    # Kakao: the app's numeric App ID (console → App Settings → Summary).
    kakao_app_id: int | None = None
    # Google: the Android / iOS OAuth client ids of our app, besides google_client_id (the web one).
    google_sdk_client_ids: list[str] = Field(default_factory=list)
    # Naver cannot say which app a token belongs to: accept its SDK tokens anyway (a risk; see docs).
    naver_accept_sdk_tokens: bool = False
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

    @field_validator("kakao_app_id", mode="before")
    @classmethod
    def _empty_app_id(cls, value: Any) -> Any:
        # WASTECOACH_KAKAO_APP_ID= (set but empty, as docker-compose passes it) means unset.
        return None if isinstance(value, str) and not value.strip() else value

    def sdk_audience(self, provider: str) -> frozenset[str]:
        """The app ids a native-SDK token of this provider must have been issued to (as text)."""
        if provider == "google":
            ids = [self.google_client_id, *self.google_sdk_client_ids]
        elif provider == "kakao":
            ids = [str(self.kakao_app_id)] if self.kakao_app_id is not None else []
        else:
            ids = []
        return frozenset(i.strip() for i in ids if i.strip())

    def accepts_unchecked_sdk_tokens(self, provider: str) -> bool:
        return provider == "naver" and self.naver_accept_sdk_tokens

    def redirect_uri_for(self, provider: str) -> str:
        return self.oauth_redirect_uri.replace("{provider}", provider)
