"""Naver Login: https://developers.naver.com/docs/login/api/api.md"""

from __future__ import annotations

from typing import Any

from svc_auth.domain import ProviderProfile
from svc_auth.providers.base import ProviderRefused, ProviderSpec, require_id, text


def to_profile(info: dict[str, Any]) -> ProviderProfile:
    if info.get("resultcode") != "00":
        raise ProviderRefused(f"naver refused the profile request: {text(info.get('message'))}")
    response = info.get("response") or {}
    return ProviderProfile(
        provider="naver",
        provider_user_id=require_id(response.get("id"), "naver"),
        email=text(response.get("email")),
        # Naver does not say whether the address was verified, so it never links accounts.
        email_verified=False,
        nickname=text(response.get("nickname"), 64),
    )


SPEC = ProviderSpec(
    name="naver",
    authorize_url="https://nid.naver.com/oauth2.0/authorize",
    token_url="https://nid.naver.com/oauth2.0/token",
    userinfo_url="https://openapi.naver.com/v1/nid/me",
    scopes=(),  # granted per app in the Naver console, not per request
    pkce=False,
    state_in_token_request=True,
    to_profile=to_profile,
    # Naver has no endpoint that says which client a token was issued to, so SDK tokens are
    # refused unless the operator opts in (naver_accept_sdk_tokens; see docs/auth.md).
    tokeninfo_url="",
)
