"""UsersService: proto ⇄ domain. Identity comes from metadata; rules live in domain.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import grpc

from mesh import paging
from mesh.errors import NotFound, Unauthenticated
from mesh.identity import require_user
from mesh.proto_time import from_timestamp, to_timestamp
from mesh.tombstone import DELETED_DETAIL
from protos.wastecoach.users.v1 import users_pb2 as pb
from protos.wastecoach.users.v1 import users_pb2_grpc
from svc_users import domain
from svc_users.repo import UsersRepo


def _profile(p: domain.Profile) -> pb.Profile:
    return pb.Profile(
        user_id=p.user_id,
        nickname=p.nickname,
        language=p.language,
        region_code=p.region_code,
        created_at=to_timestamp(p.created_at),
    )


def _entry(e: domain.HistoryEntry) -> pb.HistoryEntry:
    return pb.HistoryEntry(
        scan_id=e.scan_id,
        category_code=e.category_code,
        item=e.item,
        confidence=e.confidence,
        scanned_at=to_timestamp(e.scanned_at),
    )


class UsersServicer(users_pb2_grpc.UsersServiceServicer):
    def __init__(self, repo: UsersRepo, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.repo = repo
        self.clock = clock

    async def _missing(self, user_id: str) -> Exception:
        """Why a user has no profile: a deleted account is told so (the edge refuses its tokens)."""
        if await self.repo.is_deleted(user_id):
            return Unauthenticated(DELETED_DETAIL)
        return NotFound("no profile for this user")

    async def EnsureProfile(
        self, request: pb.EnsureProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.EnsureProfileResponse:
        user_id = await require_user(context)
        nickname = domain.clean_nickname(request.nickname or "user")
        profile = await self.repo.ensure_profile(user_id, nickname, self.clock())
        if profile is None:
            raise Unauthenticated(DELETED_DETAIL)
        return pb.EnsureProfileResponse(profile=_profile(profile))

    async def GetProfile(
        self, request: pb.GetProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetProfileResponse:
        user_id = await require_user(context)
        profile = await self.repo.get_profile(user_id)
        if profile is None:
            raise await self._missing(user_id)
        return pb.GetProfileResponse(profile=_profile(profile))

    async def UpdateProfile(
        self, request: pb.UpdateProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateProfileResponse:
        user_id = await require_user(context)
        changes: dict[str, str] = {}
        if request.HasField("nickname"):
            changes["nickname"] = domain.clean_nickname(request.nickname)
        if request.HasField("language"):
            changes["language"] = domain.clean_language(request.language)
        if request.HasField("region_code"):
            changes["region_code"] = domain.clean_region(request.region_code)
        profile = await self.repo.update_profile(user_id, changes)
        if profile is None:
            raise await self._missing(user_id)
        return pb.UpdateProfileResponse(profile=_profile(profile))

    async def DeleteProfile(
        self, request: pb.DeleteProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteProfileResponse:
        await self.repo.delete_user(await require_user(context), self.clock())
        return pb.DeleteProfileResponse()

    async def RecordScan(
        self, request: pb.RecordScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordScanResponse:
        # Workers call this with the scan owner's identity, as the edge would.
        user_id = await require_user(context)
        e = request.entry
        entry = domain.HistoryEntry(
            scan_id=e.scan_id,
            user_id=user_id,
            category_code=e.category_code,
            item=domain.shown_name(e.item, e.item_ko, e.language),
            confidence=e.confidence,
            scanned_at=from_timestamp(e.scanned_at),
        )
        return pb.RecordScanResponse(created=await self.repo.record_scan(entry))

    async def ListHistory(
        self, request: pb.ListHistoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListHistoryResponse:
        user_id = await require_user(context)
        limit = paging.page_size(request.limit)
        entries = await self.repo.list_history(user_id, paging.decode_cursor(request.cursor), limit + 1)
        page, more = entries[:limit], len(entries) > limit
        return pb.ListHistoryResponse(
            entries=[_entry(e) for e in page],
            next_cursor=paging.encode_cursor(page[-1].scanned_at, page[-1].scan_id) if more else "",
        )

    async def GetStats(
        self, request: pb.GetStatsRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetStatsResponse:
        user_id = await require_user(context)
        times, counts = await self.repo.scan_times_and_counts(user_id)
        stats = domain.compute_stats(times, counts, self.clock(), request.time_zone)
        return pb.GetStatsResponse(
            total_scans=stats.total_scans,
            by_category=[pb.CategoryCount(category_code=k, count=v) for k, v in stats.by_category.items()],
            streak_days=stats.streak_days,
            points=stats.points,
        )
