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
class TokenInfo:
    """What a provider's token-introspection endpoint says about an access token."""

    # Every id of the app (client) the token was issued to, as text: Google aud and azp, Kakao app_id.
    audiences: frozenset[str]
    # The provider user id the token belongs to; must match the user-info answer.
    user_id: str


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
    # Introspection of a native-SDK access token: which app it was issued to. Empty where the
    # provider offers no such endpoint (Naver); then SDK tokens are refused unless opted in.
    tokeninfo_url: str = ""
    # "bearer": the token goes in the Authorization header (Kakao); "query": ?access_token= (Google).
    tokeninfo_auth: str = "bearer"
    read_tokeninfo: Callable[[dict[str, Any]], TokenInfo] | None = None

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
            tokeninfo_url=move(self.tokeninfo_url) if self.tokeninfo_url else "",
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


def expired(expires_in: Any) -> bool:
    """True when a token-introspection answer says the token has no lifetime left (Google sends text)."""
    if isinstance(expires_in, bool):
        return False
    try:
        return int(expires_in) <= 0
    except (TypeError, ValueError):
        return False
