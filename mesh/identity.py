"""Who is calling: the edge verifies the user's token and forwards the user id in gRPC metadata.

Services trust that metadata only because they are reachable from the edge and workers alone
(network policy); they refuse a call that carries none.
"""

from __future__ import annotations

import grpc

USER_ID_KEY = "x-user-id"
# Workers (queue consumers) call the worker RPCs under this identity.
SYSTEM_CALLER = "system"


def user_metadata(user_id: str) -> tuple[tuple[str, str], ...]:
    return ((USER_ID_KEY, user_id),)


def system_metadata() -> tuple[tuple[str, str], ...]:
    return ((USER_ID_KEY, SYSTEM_CALLER),)


def _caller(context: grpc.aio.ServicerContext) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == USER_ID_KEY and value:
            return value
    return None


async def require_user(context: grpc.aio.ServicerContext) -> str:
    caller = _caller(context)
    if caller is None or caller == SYSTEM_CALLER:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "a user identity is required")
    return caller


async def require_system(context: grpc.aio.ServicerContext) -> None:
    if _caller(context) != SYSTEM_CALLER:
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, "only workers may call this method")
