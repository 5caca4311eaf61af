"""Talks OAuth 2.0 to one provider with authlib: authorize URL, code exchange, user-info."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from pydantic import SecretStr

from mesh.errors import Unavailable
from svc_auth.domain import ProviderProfile
from svc_auth.flow import PendingSignIn
from svc_auth.providers import ProviderRefused, ProviderSpec

log = logging.getLogger(__name__)


class OAuthProvider:
    def __init__(
        self, spec: ProviderSpec, client_id: str, client_secret: SecretStr, timeout_s: float
    ) -> None:
        self.spec = spec
        self._client_id = client_id
        self._secret = client_secret
        self._timeout = timeout_s

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
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code >= 500:
                raise Unavailable(f"{self.spec.name} is not answering properly; try again") from exc
            raise ProviderRefused(f"{self.spec.name} refused the sign-in") from exc
        except (httpx.TransportError, ValueError) as exc:
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

    async def profile_for_token(self, access_token: str) -> ProviderProfile:
        """A token from the provider's native SDK: only its user-info endpoint can vouch for it."""
        async with self._client(token={"access_token": access_token, "token_type": "Bearer"}) as client:
            return await self._profile(client)

    async def _profile(self, client: AsyncOAuth2Client) -> ProviderProfile:
        reply = await client.get(self.spec.userinfo_url, headers={"Accept": "application/json"})
        if reply.status_code in (400, 401, 403):
            raise ProviderRefused(f"{self.spec.name} did not accept the access token")
        reply.raise_for_status()
        info = reply.json()
        if not isinstance(info, dict):
            raise ProviderRefused(f"{self.spec.name} answered the profile request with no object")
        return self.spec.to_profile(info)
