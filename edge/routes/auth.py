"""Sign-in, token refresh, logout, JWKS."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from edge import errors, schemas
from edge.deps import ClientsDep, LimiterDep, MeshDep, SettingsDep
from edge.errors import ApiError
from mesh.identity import user_metadata
from protos.wastecoach.auth.v1 import auth_pb2
from protos.wastecoach.users.v1 import users_pb2

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
Provider = Annotated[str, Path(pattern=r"^[a-z]{1,16}$", description="kakao, naver or google")]
# RFC 6749 5.1: responses that carry tokens must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _tokens(pair: auth_pb2.TokenPair) -> schemas.Tokens:
    return schemas.Tokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
    )


async def _signed_in(clients: ClientsDep, pair: auth_pb2.TokenPair) -> JSONResponse:
    """Every sign-in ends here: the profile exists before the app first asks for it."""
    await clients.users.EnsureProfile(
        users_pb2.EnsureProfileRequest(nickname=pair.nickname or "user"), metadata=user_metadata(pair.user_id)
    )
    return JSONResponse(_tokens(pair).model_dump(), headers=NO_STORE)


@router.get(
    "/{provider}/authorize",
    response_model=schemas.AuthorizeStart,
    responses=errors.problem_responses(429),
    operation_id="startSignIn",
)
async def authorize(
    request: Request,
    provider: Provider,
    clients: ClientsDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    redirect_uri: Annotated[
        str, Query(max_length=512, description="the app's deep link to land on; must be allow-listed")
    ] = "",
    code_challenge: Annotated[
        str,
        Query(
            max_length=128,
            description="PKCE (RFC 7636), required with redirect_uri: base64url SHA-256 of the app's "
            "code_verifier, which `POST /code/redeem` then needs",
        ),
    ] = "",
    code_challenge_method: Annotated[str, Query(max_length=8, description="S256, the only method")] = "S256",
) -> schemas.AuthorizeStart:
    """Starts a provider sign-in: open `authorize_url` in a browser tab."""
    # Anyone may call this without a token: limited per client address (the proxy's X-Forwarded-For
    # where uvicorn trusts it, FORWARDED_ALLOW_IPS).
    address = request.client.host if request.client else "unknown"
    wait_s = await limiter.hit(f"authorize:{address}", settings.authorize_rate_per_minute)
    if wait_s:
        raise ApiError(429, "too_many_signins", headers={"Retry-After": str(wait_s)})
    reply = await clients.auth.Authorize(
        auth_pb2.AuthorizeRequest(
            provider=provider,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method if code_challenge else "",
        )
    )
    return schemas.AuthorizeStart(authorize_url=reply.authorize_url, state=reply.state)


@router.get(
    "/{provider}/callback",
    response_model=schemas.Tokens,
    responses={302: {"description": "to the app's deep link, with a one-time code"}},
    operation_id="signInCallback",
)
async def callback(
    provider: Provider,
    clients: ClientsDep,
    code: Annotated[str, Query(max_length=1024)] = "",
    state: Annotated[str, Query(max_length=256)] = "",
    error: Annotated[str, Query(max_length=256)] = "",
) -> Response:
    """Where the provider sends the browser back: tokens, or a 302 to the app with a one-time code."""
    if error:
        raise ApiError(401, "signin_failed", args={"provider": provider, "error": error})
    if not code or not state:
        raise ApiError(400, "signin_code_required")
    reply = await clients.auth.Callback(auth_pb2.CallbackRequest(provider=provider, code=code, state=state))
    if reply.app_redirect_url:
        return RedirectResponse(reply.app_redirect_url, status_code=302, headers=NO_STORE)
    return await _signed_in(clients, reply.tokens)


@router.post("/{provider}/token", response_model=schemas.Tokens, operation_id="signInWithProviderToken")
async def provider_token(provider: Provider, body: schemas.ProviderToken, clients: ClientsDep) -> Response:
    """Signs in with an access token from the provider's native SDK.

    The provider must confirm the token was issued to this app (401 otherwise); 409 where SDK
    sign-in is not configured for the provider (always for Naver unless opted in).
    """
    reply = await clients.auth.ExchangeProviderToken(
        auth_pb2.ExchangeProviderTokenRequest(provider=provider, access_token=body.access_token)
    )
    return await _signed_in(clients, reply.tokens)


@router.post("/code/redeem", response_model=schemas.Tokens, operation_id="redeemCode")
async def redeem(body: schemas.RedeemRequest, clients: ClientsDep) -> Response:
    """Trades the one-time code from the app's deep link and the PKCE verifier of the sign-in's
    `code_challenge` for tokens (once, within a minute; a wrong verifier spends the code)."""
    reply = await clients.auth.RedeemCode(
        auth_pb2.RedeemCodeRequest(code=body.code, code_verifier=body.code_verifier)
    )
    return await _signed_in(clients, reply.tokens)


@router.post("/dev/login", response_model=schemas.Tokens, operation_id="devLogin")
async def dev_login(body: schemas.DevLogin, clients: ClientsDep, mesh: MeshDep) -> schemas.Tokens:
    """Development sign-in by nickname; not available in production."""
    if mesh.production:
        raise ApiError(404, "not_found")
    reply = await clients.auth.DevLogin(auth_pb2.DevLoginRequest(nickname=body.nickname))
    await clients.users.EnsureProfile(
        users_pb2.EnsureProfileRequest(nickname=reply.tokens.nickname),
        metadata=user_metadata(reply.tokens.user_id),
    )
    return _tokens(reply.tokens)


@router.post("/token/refresh", response_model=schemas.Tokens, operation_id="refreshToken")
async def refresh(body: schemas.RefreshRequest, clients: ClientsDep) -> schemas.Tokens:
    reply = await clients.auth.RefreshToken(auth_pb2.RefreshTokenRequest(refresh_token=body.refresh_token))
    return _tokens(reply.tokens)


@router.post("/logout", status_code=204, operation_id="logout")
async def logout(body: schemas.RefreshRequest, clients: ClientsDep) -> Response:
    await clients.auth.Logout(auth_pb2.LogoutRequest(refresh_token=body.refresh_token))
    return Response(status_code=204)


@router.get("/jwks.json", operation_id="getJwks")
async def jwks(clients: ClientsDep) -> Response:
    reply = await clients.auth.GetJwks(auth_pb2.GetJwksRequest())
    return Response(json.dumps(json.loads(reply.jwks_json)), media_type="application/json")
