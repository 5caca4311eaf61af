"""AuthService: proto ⇄ domain for sign-in, refresh, logout and JWKS."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import grpc

from mesh.errors import Forbidden, Unauthenticated
from mesh.identity import require_user
from protos.wastecoach.auth.v1 import auth_pb2 as pb
from protos.wastecoach.auth.v1 import auth_pb2_grpc
from svc_auth import domain
from svc_auth.repo import AuthRepo
from svc_auth.signin import SignIn


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
        self,
        repo: AuthRepo,
        signin: SignIn,
        *,
        production: bool,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = repo
        self.signin = signin
        self.production = production
        self.clock = clock

    async def _issue(self, account: domain.Account, family_id: str | None = None) -> domain.IssuedTokens:
        return await self.signin.issue(account, family_id)

    async def DevLogin(
        self, request: pb.DevLoginRequest, context: grpc.aio.ServicerContext
    ) -> pb.DevLoginResponse:
        if self.production:
            raise Forbidden("dev sign-in is disabled in production")
        nickname = domain.clean_dev_nickname(request.nickname)
        account = await self.repo.find_account("dev", nickname.casefold())
        if account is None:
            fresh = domain.Account(uuid.uuid4().hex, "dev", nickname.casefold(), nickname)
            account = await self.repo.create_account(fresh, self.clock())
        return pb.DevLoginResponse(tokens=_pair(await self._issue(account)))

    async def Authorize(
        self, request: pb.AuthorizeRequest, context: grpc.aio.ServicerContext
    ) -> pb.AuthorizeResponse:
        url, state = await self.signin.authorize(
            request.provider, request.redirect_uri, request.code_challenge, request.code_challenge_method
        )
        return pb.AuthorizeResponse(authorize_url=url, state=state)

    async def Callback(
        self, request: pb.CallbackRequest, context: grpc.aio.ServicerContext
    ) -> pb.CallbackResponse:
        landed = await self.signin.callback(
            request.provider, request.code, request.state, request.app_redirect_uri
        )
        reply = pb.CallbackResponse(
            one_time_code=landed.one_time_code, app_redirect_url=landed.app_redirect_url
        )
        if landed.tokens is not None:
            reply.tokens.CopyFrom(_pair(landed.tokens))
        return reply

    async def ExchangeProviderToken(
        self, request: pb.ExchangeProviderTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExchangeProviderTokenResponse:
        tokens = await self.signin.exchange(request.provider, request.access_token)
        return pb.ExchangeProviderTokenResponse(tokens=_pair(tokens))

    async def RedeemCode(
        self, request: pb.RedeemCodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.RedeemCodeResponse:
        tokens = await self.signin.redeem(request.code, request.code_verifier)
        return pb.RedeemCodeResponse(tokens=_pair(tokens))

    async def RefreshToken(
        self, request: pb.RefreshTokenRequest, context: grpc.aio.ServicerContext
    ) -> pb.RefreshTokenResponse:
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

    async def Logout(self, request: pb.LogoutRequest, context: grpc.aio.ServicerContext) -> pb.LogoutResponse:
        record = await self.repo.get_refresh(domain.hash_refresh(request.refresh_token))
        if record is not None:
            await self.repo.revoke_family(record.family_id, self.clock())
        return pb.LogoutResponse()

    async def GetJwks(
        self, request: pb.GetJwksRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetJwksResponse:
        keys = domain.published(await self.repo.keys(), self.clock())
        return pb.GetJwksResponse(jwks_json=json.dumps(domain.jwks(keys)))

    async def DeleteAccount(
        self, request: pb.DeleteAccountRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteAccountResponse:
        await self.repo.delete_user(await require_user(context), self.clock())
        return pb.DeleteAccountResponse()
