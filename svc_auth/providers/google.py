"""Google OpenID Connect: https://developers.google.com/identity/openid-connect/openid-connect"""

from __future__ import annotations

from typing import Any

from svc_auth.domain import ProviderProfile
from svc_auth.providers.base import ProviderRefused, ProviderSpec, TokenInfo, expired, flag, require_id, text


def to_profile(info: dict[str, Any]) -> ProviderProfile:
    email = text(info.get("email"))
    return ProviderProfile(
        provider="google",
        provider_user_id=require_id(info.get("sub"), "google"),
        email=email,
        email_verified=bool(email) and flag(info.get("email_verified")),
        nickname=text(info.get("name"), 64),
    )


def read_tokeninfo(info: dict[str, Any]) -> TokenInfo:
    """GET oauth2.googleapis.com/tokeninfo?access_token=…: aud and azp name the client it was issued to.

    https://developers.google.com/identity/sign-in/web/backend-auth#calling-the-tokeninfo-endpoint
    """
    audiences = frozenset(v for v in (info.get("aud"), info.get("azp")) if isinstance(v, str) and v)
    if not audiences:
        raise ProviderRefused("google did not say which app the access token was issued to")
    if expired(info.get("expires_in")):
        raise ProviderRefused("the google access token has expired")
    return TokenInfo(audiences=audiences, user_id=require_id(info.get("sub"), "google"))


SPEC = ProviderSpec(
    name="google",
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",
    userinfo_url="https://openidconnect.googleapis.com/v1/userinfo",
    scopes=("openid", "email", "profile"),
    pkce=True,
    state_in_token_request=False,
    to_profile=to_profile,
    tokeninfo_url="https://oauth2.googleapis.com/tokeninfo",
    tokeninfo_auth="query",
    read_tokeninfo=read_tokeninfo,
)
