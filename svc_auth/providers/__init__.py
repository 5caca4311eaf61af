"""The OAuth 2.0 providers people sign in with, one module each."""

from svc_auth.providers import google, kakao, naver
from svc_auth.providers.base import ProviderRefused, ProviderSpec, TokenInfo

SPECS: dict[str, ProviderSpec] = {spec.name: spec for spec in (kakao.SPEC, naver.SPEC, google.SPEC)}

__all__ = ["SPECS", "ProviderRefused", "ProviderSpec", "TokenInfo"]
