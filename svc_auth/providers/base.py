"""What svc_auth needs to know about an OAuth 2.0 provider, as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mesh.errors import Unauthenticated
from svc_auth.domain import ProviderProfile


class ProviderRefused(Unauthenticated):
    """The provider refused a code or token, or answered with something we cannot use."""


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    scopes: tuple[str, ...]
    # RFC 7636 S256; Naver does not support it.
    pkce: bool
    # Naver wants the state again on the token request.
    state_in_token_request: bool
    to_profile: Callable[[dict[str, Any]], ProviderProfile]

    def at(self, base_url: str | None) -> ProviderSpec:
        """The same provider with every endpoint moved to base_url (scheme, host, path prefix)."""
        if not base_url:
            return self
        base = urlsplit(base_url)

        def move(url: str) -> str:
            parts = urlsplit(url)
            return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, ""))

        return replace(
            self,
            authorize_url=move(self.authorize_url),
            token_url=move(self.token_url),
            userinfo_url=move(self.userinfo_url),
        )


def text(value: Any, limit: int = 255) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def flag(value: Any) -> bool:
    # Google has sent email_verified both as a JSON boolean and as the string "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def require_id(value: Any, provider: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise ProviderRefused(f"{provider} returned no user id")
    return str(value)
