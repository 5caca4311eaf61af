"""Kakao Login: https://developers.kakao.com/docs/latest/en/kakaologin/rest-api"""

from __future__ import annotations

from typing import Any

from svc_auth.domain import ProviderProfile
from svc_auth.providers.base import ProviderRefused, ProviderSpec, TokenInfo, expired, flag, require_id, text


def to_profile(info: dict[str, Any]) -> ProviderProfile:
    account = info.get("kakao_account") or {}
    profile = account.get("profile") or {}
    email = text(account.get("email"))
    # is_email_valid false means the address was taken over by someone else since it was verified.
    verified = flag(account.get("is_email_verified")) and account.get("is_email_valid", True) is not False
    return ProviderProfile(
        provider="kakao",
        provider_user_id=require_id(info.get("id"), "kakao"),
        email=email,
        email_verified=bool(email) and verified,
        nickname=text(profile.get("nickname"), 64),
    )


def read_tokeninfo(info: dict[str, Any]) -> TokenInfo:
    """GET kapi.kakao.com/v1/user/access_token_info (Bearer): {id, expires_in, app_id}.

    https://developers.kakao.com/docs/latest/en/kakaologin/rest-api#get-token-info
    """
    app_id = info.get("app_id")
    if isinstance(app_id, bool) or not isinstance(app_id, int):
        raise ProviderRefused("kakao did not say which app the access token was issued to")
    if expired(info.get("expires_in")):
        raise ProviderRefused("the kakao access token has expired")
    return TokenInfo(audiences=frozenset({str(app_id)}), user_id=require_id(info.get("id"), "kakao"))


SPEC = ProviderSpec(
    name="kakao",
    authorize_url="https://kauth.kakao.com/oauth/authorize",
    token_url="https://kauth.kakao.com/oauth/token",
    userinfo_url="https://kapi.kakao.com/v2/user/me",
    scopes=("profile_nickname", "account_email"),
    pkce=True,
    state_in_token_request=False,
    to_profile=to_profile,
    tokeninfo_url="https://kapi.kakao.com/v1/user/access_token_info",
    tokeninfo_auth="bearer",
    read_tokeninfo=read_tokeninfo,
)
