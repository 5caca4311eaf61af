"""Kakao Login: https://developers.kakao.com/docs/latest/en/kakaologin/rest-api"""

from __future__ import annotations

from typing import Any

from svc_auth.domain import ProviderProfile
from svc_auth.providers.base import ProviderSpec, flag, require_id, text


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


SPEC = ProviderSpec(
    name="kakao",
    authorize_url="https://kauth.kakao.com/oauth/authorize",
    token_url="https://kauth.kakao.com/oauth/token",
    userinfo_url="https://kapi.kakao.com/v2/user/me",
    scopes=("profile_nickname", "account_email"),
    pkce=True,
    state_in_token_request=False,
    to_profile=to_profile,
)
