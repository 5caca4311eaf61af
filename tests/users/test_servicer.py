from datetime import UTC, datetime, timedelta

import grpc
import pytest

from mesh.proto_time import to_timestamp
from mesh.settings import MeshSettings
from protos.wastecoach.users.v1 import users_pb2 as pb
from protos.wastecoach.users.v1 import users_pb2_grpc
from svc_users.component import build
from tests.support import running, user


@pytest.fixture
async def stub(data_dir):
    async with running(build(MeshSettings(data_dir=data_dir))) as channel:
        yield users_pb2_grpc.UsersServiceStub(channel)


async def test_refuses_calls_without_identity(stub):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetProfile(pb.GetProfileRequest())
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_profile_lifecycle(stub):
    created = await stub.EnsureProfile(pb.EnsureProfileRequest(nickname="지수"), metadata=user("u1"))
    again = await stub.EnsureProfile(pb.EnsureProfileRequest(nickname="other"), metadata=user("u1"))
    assert again.profile.nickname == created.profile.nickname == "지수"
    updated = await stub.UpdateProfile(
        pb.UpdateProfileRequest(language="en", region_code="11440"), metadata=user("u1")
    )
    assert (updated.profile.language, updated.profile.region_code) == ("en", "11440")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.UpdateProfile(pb.UpdateProfileRequest(region_code="seoul"), metadata=user("u1"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetProfile(pb.GetProfileRequest(), metadata=user("nobody"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_history_is_idempotent_paged_and_private(stub):
    base = datetime(2026, 11, 20, 3, tzinfo=UTC)
    for i in range(5):
        entry = pb.HistoryEntry(
            scan_id=f"s{i}",
            category_code="paper" if i % 2 else "glass",
            item="x",
            confidence=0.9,
            scanned_at=to_timestamp(base + timedelta(hours=i)),
        )
        first = await stub.RecordScan(pb.RecordScanRequest(entry=entry), metadata=user("u2"))
        second = await stub.RecordScan(pb.RecordScanRequest(entry=entry), metadata=user("u2"))
        assert first.created and not second.created
    page1 = await stub.ListHistory(pb.ListHistoryRequest(limit=3), metadata=user("u2"))
    assert [e.scan_id for e in page1.entries] == ["s4", "s3", "s2"] and page1.next_cursor
    page2 = await stub.ListHistory(
        pb.ListHistoryRequest(limit=3, cursor=page1.next_cursor), metadata=user("u2")
    )
    assert [e.scan_id for e in page2.entries] == ["s1", "s0"] and page2.next_cursor == ""
    other = await stub.ListHistory(pb.ListHistoryRequest(), metadata=user("u3"))
    assert list(other.entries) == []
    stats = await stub.GetStats(pb.GetStatsRequest(), metadata=user("u2"))
    assert stats.total_scans == 5
    assert {c.category_code: c.count for c in stats.by_category} == {"glass": 3, "paper": 2}


def test_history_keeps_the_name_in_the_language_the_scan_was_asked_in():
    from svc_users.domain import shown_name

    assert shown_name("Clear PET bottle", "투명 페트병", "ko") == "투명 페트병"
    assert shown_name("Clear PET bottle", "투명 페트병", "en") == "Clear PET bottle"
    # A caller of the previous release sends no Korean name and no language.
    assert shown_name("Clear PET bottle", "", "") == "Clear PET bottle"
