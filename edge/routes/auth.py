"""Sign-in, token refresh, logout, JWKS."""

from __future__ import annotations

import json

from fastapi import APIRouter, Response

from edge import schemas
from edge.deps import ClientsDep, SettingsDep
from edge.errors import ApiError
from mesh.identity import user_metadata
from protos.wastecoach.auth.v1 import auth_pb2
from protos.wastecoach.users.v1 import users_pb2

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _tokens(pair: auth_pb2.TokenPair) -> schemas.Tokens:
    return schemas.Tokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
    )


@router.post("/dev/login", response_model=schemas.Tokens)
async def dev_login(body: schemas.DevLogin, clients: ClientsDep, settings: SettingsDep) -> schemas.Tokens:
    """Development sign-in by nickname; not available in production."""
    if settings.production:
        raise ApiError(404, "not found")
    reply = await clients.auth.DevLogin(auth_pb2.DevLoginRequest(nickname=body.nickname))
    await clients.users.EnsureProfile(
        users_pb2.EnsureProfileRequest(nickname=reply.tokens.nickname),
        metadata=user_metadata(reply.tokens.user_id),
    )
    return _tokens(reply.tokens)


@router.post("/token/refresh", response_model=schemas.Tokens)
async def refresh(body: schemas.RefreshRequest, clients: ClientsDep) -> schemas.Tokens:
    reply = await clients.auth.RefreshToken(auth_pb2.RefreshTokenRequest(refresh_token=body.refresh_token))
    return _tokens(reply.tokens)


@router.post("/logout", status_code=204)
async def logout(body: schemas.RefreshRequest, clients: ClientsDep) -> Response:
    await clients.auth.Logout(auth_pb2.LogoutRequest(refresh_token=body.refresh_token))
    return Response(status_code=204)


@router.get("/jwks.json")
async def jwks(clients: ClientsDep) -> Response:
    reply = await clients.auth.GetJwks(auth_pb2.GetJwksRequest())
    return Response(json.dumps(json.loads(reply.jwks_json)), media_type="application/json")
