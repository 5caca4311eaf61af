"""Sign-in use cases: start a provider flow, finish it, accept an SDK token, redeem a one-time code.

Ties the pure rules (domain, flow) to storage (repo) and the providers (oauth); the servicer only
translates protos to these calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mesh.errors import Conflict, InvalidInput, NotFound, Unauthenticated, Unavailable
from mesh.tombstone import DELETED_DETAIL
from svc_auth import domain, flow
from svc_auth.oauth import OAuthProvider
from svc_auth.pending import PendingSignIns
from svc_auth.providers import SPECS
from svc_auth.repo import AuthRepo


@dataclass(frozen=True)
class FlowConfig:
    redirect_uri_for: Callable[[str], str]
    app_redirect_allowlist: list[str]
    state_ttl: timedelta
    code_ttl: timedelta


@dataclass(frozen=True)
class Landed:
    """How a finished provider flow answers: tokens, or a one-time code for the app's deep link."""

    tokens: domain.IssuedTokens | None = None
    one_time_code: str = ""
    app_redirect_url: str = ""


class SignIn:
    def __init__(
        self,
        repo: AuthRepo,
        pending: PendingSignIns,
        providers: dict[str, OAuthProvider],
        config: FlowConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.repo = repo
        self.pending = pending
        self.providers = providers
        self.config = config
        self.clock = clock

    def _provider(self, name: str) -> OAuthProvider:
        if name not in SPECS:
            raise NotFound(f"unknown sign-in provider {name[:16]!r}; use kakao, naver or google")
        provider = self.providers.get(name)
        if provider is None:
            raise Conflict(f"provider not configured: {name}")
        return provider

    async def issue(self, account: domain.Account, family_id: str | None = None) -> domain.IssuedTokens:
        """Every sign-in and refresh ends here; a deleted account gets nothing."""
        await self._refuse_deleted(account.user_id)
        key = domain.active_key(await self.repo.keys())
        if key is None:
            raise Unavailable("no signing key is configured")
        now = self.clock()
        tokens = domain.issue(account, key, now, family_id)
        await self.repo.store_refresh(tokens, now)
        # Written, then checked: the account may have been deleted meanwhile.
        await self._refuse_deleted(account.user_id)
        return tokens

    async def _refuse_deleted(self, user_id: str) -> None:
        if await self.repo.is_deleted(user_id):
            # What a sign-in racing the deletion left (an account row, a refresh token) goes too:
            # the person's next sign-in then starts afresh instead of landing on the tombstone.
            await self.repo.delete_user(user_id, self.clock())
            raise Unauthenticated(DELETED_DETAIL)

    async def authorize(
        self, name: str, app_redirect_uri: str, code_challenge: str = "", code_challenge_method: str = ""
    ) -> tuple[str, str]:
        provider = self._provider(name)
        app_redirect = flow.check_app_redirect(app_redirect_uri, self.config.app_redirect_allowlist)
        challenge = flow.check_app_challenge(app_redirect, code_challenge, code_challenge_method)
        now = self.clock()
        state, pending = flow.start(
            name,
            self.config.redirect_uri_for(name),
            app_redirect,
            provider.spec.pkce,
            now,
            self.config.state_ttl,
            challenge,
        )
        url = await provider.authorize_url(state, pending)
        await self.pending.save(pending, now)
        return url, state

    async def callback(self, name: str, code: str, state: str, app_redirect_uri: str = "") -> Landed:
        provider = self._provider(name)
        if not code or not state:
            raise InvalidInput("code and state are required")
        # Consumed before the code is exchanged: a state works once, whatever happens next.
        taken = await self.pending.take(domain.hash_secret(state))
        pending = flow.check_pending(taken, name, self.clock())
        if app_redirect_uri and app_redirect_uri != pending.app_redirect_uri:
            raise Unauthenticated("the app redirect does not match the one this sign-in started with")
        try:
            profile = await provider.exchange_code(code, state, pending)
        except Unavailable as exc:
            # The state is spent: a retry of this call could only fail. The app signs in again later.
            raise Unavailable(exc.message, retry=False) from exc
        account = await self._land(profile)
        if not pending.app_redirect_uri:
            return Landed(tokens=await self.issue(account))
        now = self.clock()
        one_time, record = flow.new_code(
            account.user_id, now, self.config.code_ttl, pending.app_code_challenge
        )
        await self.repo.save_code(record, now)
        return Landed(
            one_time_code=one_time,
            app_redirect_url=flow.app_redirect_url(pending.app_redirect_uri, one_time),
        )

    async def exchange(self, name: str, access_token: str) -> domain.IssuedTokens:
        provider = self._provider(name)
        provider.require_sdk_sign_in()  # before any call to the provider
        token = flow.check_sdk_token(access_token)
        return await self.issue(await self._land(await provider.profile_for_token(token)))

    async def redeem(self, code: str, code_verifier: str) -> domain.IssuedTokens:
        # Taken first: a wrong verifier spends the code too, so it cannot be guessed at.
        record = await self.repo.take_code(domain.hash_secret(code)) if code else None
        if record is None or record.expires_at <= self.clock():
            raise Unauthenticated("the code is unknown, expired or already used; sign in again")
        if not flow.verifier_matches(record.code_challenge, code_verifier):
            raise Unauthenticated(
                "the code_verifier does not match the code_challenge this sign-in started with"
            )
        account = await self.repo.account_of(record.user_id)
        if account is None:
            raise Unauthenticated("the account of this code no longer exists")
        return await self.issue(account)

    async def _land(self, profile: domain.ProviderProfile) -> domain.Account:
        known = await self.repo.find_account(profile.provider, profile.provider_user_id)
        same_email = None
        if known is None and profile.email_verified:
            same_email = await self.repo.find_verified_email(profile.email)
        account = flow.choose_account(profile, known, same_email, uuid.uuid4().hex)
        if known is None:
            account = await self.repo.create_account(account, self.clock())
        return account
