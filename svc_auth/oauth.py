"""Talks OAuth 2.0 to one provider with authlib: authorize URL, code exchange, user-info, SDK tokens."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from pydantic import SecretStr

from mesh.errors import Conflict, Unavailable
from svc_auth.domain import ProviderProfile
from svc_auth.flow import PendingSignIn
from svc_auth.providers import ProviderRefused, ProviderSpec, TokenInfo

log = logging.getLogger(__name__)


class OAuthProvider:
    def __init__(
        self,
        spec: ProviderSpec,
        client_id: str,
        client_secret: SecretStr,
        timeout_s: float,
        *,
        sdk_audience: frozenset[str] = frozenset(),
        accept_unchecked_sdk_tokens: bool = False,
    ) -> None:
        self.spec = spec
        self._client_id = client_id
        self._secret = client_secret
        self._timeout = timeout_s
        # The ids of our own app(s) a native-SDK token must have been issued to; empty: SDK sign-in off.
        self._sdk_audience = sdk_audience
        # Only for a provider without token introspection (Naver): accept SDK tokens unchecked.
        self._accept_unchecked = accept_unchecked_sdk_tokens

    @asynccontextmanager
    async def _client(self, **kwargs: Any) -> AsyncIterator[AsyncOAuth2Client]:
        client = AsyncOAuth2Client(
            client_id=self._client_id,
            client_secret=self._secret.get_secret_value(),
            scope=" ".join(self.spec.scopes) or None,
            code_challenge_method="S256" if self.spec.pkce else None,
            # Kakao and Naver read the secret from the form body only; Google accepts it there too.
            token_endpoint_auth_method="client_secret_post",
            timeout=self._timeout,
            trust_env=False,
            **kwargs,
        )
        try:
            yield client
        except OAuthError as exc:
            # The provider's error code says enough; its description may echo the code back.
            log.info("provider refused", extra={"provider": self.spec.name, "error": exc.error})
            raise ProviderRefused(f"{self.spec.name} refused the sign-in: {exc.error}") from exc
        # authlib's clients are httpx2 clients: httpx's own exception classes would never match.
        except httpx2.HTTPStatusError as exc:
            if exc.response.status_code >= 500:
                raise Unavailable(f"{self.spec.name} is not answering properly; try again") from exc
            raise ProviderRefused(f"{self.spec.name} refused the sign-in") from exc
        except (httpx2.TransportError, ValueError) as exc:
            raise Unavailable(f"{self.spec.name} could not be reached; try again") from exc
        finally:
            await client.aclose()

    async def authorize_url(self, state: str, pending: PendingSignIn) -> str:
        async with self._client(redirect_uri=pending.redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.spec.authorize_url, state=state, code_verifier=pending.code_verifier or None
            )
            return url

    async def exchange_code(self, code: str, state: str, pending: PendingSignIn) -> ProviderProfile:
        extra: dict[str, Any] = {}
        if pending.code_verifier:
            extra["code_verifier"] = pending.code_verifier
        body = urlencode({"state": state}) if self.spec.state_in_token_request else ""
        async with self._client(redirect_uri=pending.redirect_uri) as client:
            token = await client.fetch_token(
                self.spec.token_url, body=body, grant_type="authorization_code", code=code, **extra
            )
            access = token.get("access_token")
            if not access:
                raise ProviderRefused(f"{self.spec.name} issued no access token")
            return await self._profile(client)

    @property
    def introspects(self) -> bool:
        return bool(self.spec.tokeninfo_url) and self.spec.read_tokeninfo is not None

    def require_sdk_sign_in(self) -> None:
        """SDK tokens need a known audience (or, without introspection, the operator's opt-in)."""
        if not (self._sdk_audience if self.introspects else self._accept_unchecked):
            raise Conflict(f"{self.spec.name} SDK sign-in not configured; use the browser sign-in")

    async def profile_for_token(self, access_token: str) -> ProviderProfile:
        """A token from the provider's native SDK.

        User-info alone only says whose token it is, not which app it was issued to: any other app
        with the same provider login could replay its users' tokens here (token substitution). So
        the provider's introspection endpoint must name one of our app ids first, and both
        endpoints must name the same user.
        """
        self.require_sdk_sign_in()
        async with self._client(token={"access_token": access_token, "token_type": "Bearer"}) as client:
            info = await self._tokeninfo(client, access_token) if self.introspects else None
            profile = await self._profile(client)
        if info is not None and info.user_id != profile.provider_user_id:
            log.warning("sdk token user mismatch", extra={"provider": self.spec.name})
            raise ProviderRefused(f"{self.spec.name} named different users for the access token")
        return profile

    async def _tokeninfo(self, client: AsyncOAuth2Client, access_token: str) -> TokenInfo:
        spec = self.spec
        read = spec.read_tokeninfo
        if read is None:
            raise ProviderRefused(f"{spec.name} cannot say which app a token was issued to")
        headers = {"Accept": "application/json"}
        if spec.tokeninfo_auth == "query":
            # Google reads the token from the query; no Authorization header with it (withhold_token).
            reply = await client.request(
                "GET",
                spec.tokeninfo_url,
                params={"access_token": access_token},
                headers=headers,
                withhold_token=True,
            )
        else:
            reply = await client.get(spec.tokeninfo_url, headers=headers)
        # No raise_for_status: its message carries the URL, which may carry the token.
        if reply.status_code >= 500:
            raise Unavailable(f"{spec.name} is not answering properly; try again")
        if reply.status_code != 200:
            raise ProviderRefused(f"{spec.name} did not accept the access token")
        body = reply.json()
        if not isinstance(body, dict):
            raise ProviderRefused(f"{spec.name} answered the token-info request with no object")
        info = read(body)
        if not info.audiences & self._sdk_audience:
            # App ids are public; logging them shows which app's tokens are being replayed here.
            log.warning(
                "sdk token issued to another app",
                extra={"provider": spec.name, "audiences": sorted(info.audiences)[:4]},
            )
            raise ProviderRefused(f"the {spec.name} access token was issued to another app")
        return info

    async def _profile(self, client: AsyncOAuth2Client) -> ProviderProfile:
        reply = await client.get(self.spec.userinfo_url, headers={"Accept": "application/json"})
        if reply.status_code in (400, 401, 403):
            raise ProviderRefused(f"{self.spec.name} did not accept the access token")
        reply.raise_for_status()
        info = reply.json()
        if not isinstance(info, dict):
            raise ProviderRefused(f"{self.spec.name} answered the profile request with no object")
        return self.spec.to_profile(info)
