"""Request dependencies as Annotated aliases: the parts of the edge a route uses (edge/context.py),
the verified caller, the language."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import grpc
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edge.auth import Identity
from edge.clients import Clients
from edge.context import EdgeContext, edge_of
from edge.errors import ApiError
from edge.ratelimit import RateLimiter
from edge.rendered import RenderedBodies
from edge.settings import EdgeSettings
from mesh.cache import Cache, CacheUnavailable
from mesh.events import EventBus
from mesh.identity import user_metadata
from mesh.settings import MeshSettings
from protos.wastecoach.users.v1 import users_pb2


def _part(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency handing a route one part of the edge. `async def` although it never awaits:
    FastAPI runs a plain `def` one in its thread pool, a thread round trip per request (~0.1 ms)."""

    async def part(request: Request) -> Any:
        return getattr(edge_of(request.app), name)

    return part


def token_of(authorization: str) -> str:
    """The bearer token of an Authorization header."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "auth_required", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def current_user(edge: EdgeContext, authorization: str) -> Identity:
    """The caller of a request with this Authorization header; also called by the ASGI middleware."""
    identity = await edge.verifier.verify(token_of(authorization))
    # An access token outlives its account by up to 15 minutes; a deleted account is refused at once.
    if await _deleted(edge, identity):
        raise ApiError(401, "account_deleted", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return identity


async def _deleted(edge: EdgeContext, identity: Identity) -> bool:
    """The marker in the shared cache is the fast path. When the cache cannot answer, the users
    service's tombstone decides: a cache outage must not let a deleted account back in."""
    try:
        return await edge.cache.get(revoked_key(identity.user_id), strict=True) is not None
    except CacheUnavailable:
        pass
    try:
        await edge.clients.users.GetProfile(users_pb2.GetProfileRequest(), metadata=as_user(identity))
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            return True
        if exc.code() != grpc.StatusCode.NOT_FOUND:  # no profile yet: a live account
            raise
    return False


def revoked_key(user_id: str) -> str:
    return f"deleted-user:{user_id}"


ClientsDep = Annotated[Clients, Depends(_part("clients"))]
SettingsDep = Annotated[EdgeSettings, Depends(_part("settings"))]
CacheDep = Annotated[Cache, Depends(_part("cache"))]
LimiterDep = Annotated[RateLimiter, Depends(_part("limiter"))]
EventsDep = Annotated[EventBus, Depends(_part("events"))]
DrainingDep = Annotated[asyncio.Event, Depends(_part("draining"))]
MeshDep = Annotated[MeshSettings, Depends(_part("mesh"))]
RenderedDep = Annotated[RenderedBodies, Depends(_part("rendered"))]
# Declares the bearer scheme to OpenAPI (generated clients, Swagger's Authorize button); the token
# itself is read by current_user, which the body gate calls as well.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    bearerFormat="JWT",
    description="the access token of a sign-in (`devLogin`, a provider, or `refreshToken`)",
)


async def signed_in_user(
    request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Identity:
    return await current_user(edge_of(request.app), request.headers.get("authorization", ""))


CurrentUser = Annotated[Identity, Depends(signed_in_user)]


def as_user(identity: Identity) -> tuple[tuple[str, str], ...]:
    return user_metadata(identity.user_id)


async def language_of(request: Request) -> str:
    """ko unless the app prefers English (Accept-Language: en...)."""
    accept = request.headers.get("accept-language", "").lower()
    for part in accept.split(","):
        tag = part.split(";")[0].strip()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("ko"):
            return "ko"
    return "ko"


Language = Annotated[str, Depends(language_of)]
