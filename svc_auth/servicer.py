"""AuthService: proto ⇄ domain for sign-in, refresh, logout and JWKS."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import grpc

from mesh.errors import Forbidden, Unauthenticated, Unavailable
from mesh.identity import require_user
from protos.wastecoach.auth.v1 import auth_pb2 as pb
from protos.wastecoach.auth.v1 import auth_pb2_grpc
from svc_auth import domain
from svc_auth.repo import AuthRepo


def _pair(tokens: domain.IssuedTokens) -> pb.TokenPair:
    return pb.TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        token_type="Bearer",
        expires_in=tokens.expires_in,
        user_id=tokens.user_id,
        nickname=tokens.nickname,
    )


class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    def __init__(
        self, repo: AuthRepo, *, production: bool, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.repo = repo
        self.production = production
        self.clock = clock

    async def _issue(self, account: domain.Account, family_id: str | None = None) -> domain.IssuedTokens:
        key = domain.active_key(await self.repo.keys())
        if key is None:
            raise Unavailable("no signing key is configured")
        now = self.clock()
        tokens = domain.issue(account, key, now, family_id)
        await self.repo.store_refresh(tokens, now)
        return tokens

    async def DevLogin(self, request: pb.DevLoginRequest, context: grpc.aio.ServicerContext):
        if self.production:
            raise Forbidden("dev sign-in is disabled in production")
        nickname = domain.clean_dev_nickname(request.nickname)
        account = await self.repo.find_account("dev", nickname.casefold())
        if account is None:
            fresh = domain.Account(uuid.uuid4().hex, "dev", nickname.casefold(), nickname)
            account = await self.repo.create_account(fresh, self.clock())
        return pb.DevLoginResponse(tokens=_pair(await self._issue(account)))

    async def RefreshToken(self, request: pb.RefreshTokenRequest, context: grpc.aio.ServicerContext):
        now = self.clock()
        token_hash = domain.hash_refresh(request.refresh_token)
        try:
            record = domain.check_refresh(await self.repo.get_refresh(token_hash), now)
            if not await self.repo.mark_used(token_hash, now):
                raise domain.RefreshReuse(record.family_id)
        except domain.RefreshReuse as reuse:
            await self.repo.revoke_family(reuse.family_id, now)
            raise
        account = await self.repo.account_of(record.user_id)
        if account is None:
            raise Unauthenticated("the account of this refresh token no longer exists")
        return pb.RefreshTokenResponse(tokens=_pair(await self._issue(account, record.family_id)))

    async def Logout(self, request: pb.LogoutRequest, context: grpc.aio.ServicerContext):
        record = await self.repo.get_refresh(domain.hash_refresh(request.refresh_token))
        if record is not None:
            await self.repo.revoke_family(record.family_id, self.clock())
        return pb.LogoutResponse()

    async def GetJwks(self, request: pb.GetJwksRequest, context: grpc.aio.ServicerContext):
        return pb.GetJwksResponse(jwks_json=json.dumps(domain.jwks(await self.repo.keys())))

    async def DeleteAccount(self, request: pb.DeleteAccountRequest, context: grpc.aio.ServicerContext):
        await self.repo.delete_user(await require_user(context))
        return pb.DeleteAccountResponse()
