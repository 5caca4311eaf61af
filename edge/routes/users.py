"""The signed-in user's profile, history and stats."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query, Response

from edge import schemas
from edge.deps import CacheDep, ClientsDep, CurrentUser, as_user, revoked_key
from edge.errors import ApiError
from protos.wastecoach.auth.v1 import auth_pb2
from protos.wastecoach.users.v1 import users_pb2
from protos.wastecoach.waste.v1 import waste_pb2

router = APIRouter(prefix="/api/v1/users", tags=["users"])
REVOKE_FOR_S = 20 * 60


def _profile(p: users_pb2.Profile) -> schemas.Profile:
    return schemas.Profile(
        user_id=p.user_id,
        nickname=p.nickname,
        language=p.language,
        region_code=p.region_code,
        created_at=p.created_at.ToDatetime(tzinfo=UTC),
    )


@router.get("/me", response_model=schemas.Profile, operation_id="getMe")
async def me(user: CurrentUser, clients: ClientsDep) -> schemas.Profile:
    reply = await clients.users.EnsureProfile(
        users_pb2.EnsureProfileRequest(nickname=user.nickname or "user"), metadata=as_user(user)
    )
    return _profile(reply.profile)


@router.patch("/me", response_model=schemas.Profile, operation_id="updateMe")
async def update_me(body: schemas.ProfilePatch, user: CurrentUser, clients: ClientsDep) -> schemas.Profile:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise ApiError(422, "nothing_to_change")
    reply = await clients.users.UpdateProfile(
        users_pb2.UpdateProfileRequest(**changes), metadata=as_user(user)
    )
    return _profile(reply.profile)


@router.delete("/me", status_code=204, operation_id="deleteMe")
async def delete_me(
    user: CurrentUser,
    clients: ClientsDep,
    cache: CacheDep,
    confirm: Annotated[str, Query(description="must be the word DELETE: deletion is irreversible")] = "",
) -> Response:
    if confirm != "DELETE":
        raise ApiError(422, "confirm_required")
    metadata = as_user(user)
    # Each service tombstones the account before deleting its rows, and creates nothing for it
    # again. Scans and images first; the profile last: while it stands, the edge still takes this
    # token (even with the cache down), so a failed step can be retried and nothing is orphaned.
    await clients.waste.DeleteUserScans(waste_pb2.DeleteUserScansRequest(), metadata=metadata)
    await clients.auth.DeleteAccount(auth_pb2.DeleteAccountRequest(), metadata=metadata)
    await clients.users.DeleteProfile(users_pb2.DeleteProfileRequest(), metadata=metadata)
    # The fast path that refuses the account's still-valid access tokens (longer than their lifetime).
    await cache.set(revoked_key(user.user_id), b"1", REVOKE_FOR_S)
    return Response(status_code=204)


@router.get("/me/scans", response_model=schemas.HistoryPage, operation_id="listHistory")
async def history(
    user: CurrentUser,
    clients: ClientsDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.HistoryPage:
    reply = await clients.users.ListHistory(
        users_pb2.ListHistoryRequest(cursor=cursor, limit=limit), metadata=as_user(user)
    )
    return schemas.HistoryPage(
        items=[
            schemas.HistoryEntry(
                scan_id=e.scan_id,
                category_code=e.category_code,
                item=e.item,
                confidence=e.confidence,
                scanned_at=e.scanned_at.ToDatetime(tzinfo=UTC),
            )
            for e in reply.entries
        ],
        next_cursor=reply.next_cursor or None,
    )


@router.get("/me/stats", response_model=schemas.Stats, operation_id="getStats")
async def stats(user: CurrentUser, clients: ClientsDep) -> schemas.Stats:
    reply = await clients.users.GetStats(
        users_pb2.GetStatsRequest(time_zone="Asia/Seoul"), metadata=as_user(user)
    )
    return schemas.Stats(
        total_scans=reply.total_scans,
        by_category=[
            schemas.CategoryCount(category_code=c.category_code, count=c.count) for c in reply.by_category
        ],
        streak_days=reply.streak_days,
        points=reply.points,
    )
