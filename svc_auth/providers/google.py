"""Google OpenID Connect: https://developers.google.com/identity/openid-connect/openid-connect"""

from __future__ import annotations

from typing import Any

from svc_auth.domain import ProviderProfile
from svc_auth.providers.base import ProviderSpec, flag, require_id, text


def to_profile(info: dict[str, Any]) -> ProviderProfile:
    email = text(info.get("email"))
    return ProviderProfile(
        provider="google",
        provider_user_id=require_id(info.get("sub"), "google"),
        email=email,
        email_verified=bool(email) and flag(info.get("email_verified")),
        nickname=text(info.get("name"), 64),
    )


SPEC = ProviderSpec(
    name="google",
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",
    userinfo_url="https://openidconnect.googleapis.com/v1/userinfo",
    scopes=("openid", "email", "profile"),
    pkce=True,
    state_in_token_request=False,
    to_profile=to_profile,
)
