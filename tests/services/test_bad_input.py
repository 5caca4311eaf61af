"""What callers send wrong is INVALID_ARGUMENT from every service, on SQLite and on the real
PostgreSQL (which cannot store NUL, and whose driver refuses naive or out-of-range datetimes): text
with a NUL, cursors the service did not write, an Idempotency-Key reused for another request."""

import asyncio
import io
import uuid

import grpc
import pytest
from PIL import Image

from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.auth.v1 import auth_pb2, auth_pb2_grpc
from protos.wastecoach.locations.v1 import locations_pb2, locations_pb2_grpc
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_auth.component import build as build_auth
from svc_auth.settings import AuthSettings
from svc_locations.component import build as build_locations
from svc_locations.settings import LocationsSettings
from svc_users.component import build as build_users
from svc_waste.component import build as build_waste
from svc_waste.settings import WasteSettings, images_dir
from tests.edge.test_edge_bad_input import CRAFTED_CURSORS
from tests.support import running, user

NUL = "a\x00b"
INVALID = grpc.StatusCode.INVALID_ARGUMENT


def jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
async def waste(data_dir, database_url):
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    component = build_waste(
        settings, WasteSettings(), publisher=InProcessBroker(), events=InProcessEventBus(), relay=False
    )
    async with running(component) as channel:
        yield waste_pb2_grpc.WasteServiceStub(channel), settings


async def _refused(call) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    assert err.value.code() == INVALID, err.value.details()
    return err.value.details()


def uid() -> str:
    # The PostgreSQL database is shared by the session: every test acts as users of its own.
    return uuid.uuid4().hex


def _images(settings: MeshSettings, owner: str) -> list[str]:
    return sorted(p.stem for p in (images_dir(settings) / "scans" / owner).glob("*"))


async def test_waste_refuses_nul_before_storing_anything(waste):
    u = uid()
    stub, settings = waste
    details = await _refused(stub.CreateScan(pb.CreateScanRequest(image=jpeg(), hint=NUL), metadata=user(u)))
    assert details == "hint must not contain NUL characters"
    assert _images(settings, u) == []  # the photo was never written
    await _refused(stub.GetScan(pb.GetScanRequest(scan_id=NUL), metadata=user(u)))
    answer = pb.AnswerScanRequest(scan_id=NUL, question_id="q", choice_id="c")
    await _refused(stub.AnswerScan(answer, metadata=user(u)))
    await _refused(stub.StartProcessing(pb.StartProcessingRequest(scan_id=NUL), metadata=system_metadata()))
    fail = pb.FailScanRequest(scan_id="x", error_code="e", error_message=NUL)
    await _refused(stub.FailScan(fail, metadata=system_metadata()))
    assert (await stub.ListScans(pb.ListScansRequest(), metadata=user(u))).scans == []


async def test_waste_lists_refuse_crafted_cursors(waste):
    u = uid()
    stub, _ = waste
    for name, crafted in CRAFTED_CURSORS.items():
        details = await _refused(stub.ListScans(pb.ListScansRequest(cursor=crafted), metadata=user(u)))
        assert details == "cursor is not valid", name
        feedback = pb.ListFeedbackRequest(cursor=crafted)
        await _refused(stub.ListFeedback(feedback, metadata=system_metadata()))


async def test_idempotency_key_replays_the_same_request_and_refuses_another(waste):
    u = uid()
    v = uid()
    stub, settings = waste
    first = pb.CreateScanRequest(image=jpeg(), lat=37.55, lon=126.92, hint="컵", idempotency_key="k-1")
    created = await stub.CreateScan(first, metadata=user(u))
    again = await stub.CreateScan(first, metadata=user(u))
    assert created.created and not again.created and again.scan.scan_id == created.scan.scan_id
    # Whitespace in the hint is cleaned before it counts.
    spaced = pb.CreateScanRequest()
    spaced.CopyFrom(first)
    spaced.hint = "  컵 "
    assert (await stub.CreateScan(spaced, metadata=user(u))).scan.scan_id == created.scan.scan_id
    others = {
        "photo": {"image": jpeg((30, 200, 30))},
        "place": {"lat": 35.1},
        "hint": {"hint": "캔"},
    }
    for name, change in others.items():
        other = pb.CreateScanRequest()
        other.CopyFrom(first)
        for field, value in change.items():
            setattr(other, field, value)
        details = await _refused(stub.CreateScan(other, metadata=user(u)))
        assert "Idempotency-Key" in details, name
    no_hint = pb.CreateScanRequest(image=jpeg(), lat=37.55, lon=126.92, idempotency_key="k-1")
    await _refused(stub.CreateScan(no_hint, metadata=user(u)))
    # The key is per user: the same one from someone else is a scan of theirs.
    theirs = await stub.CreateScan(first, metadata=user(v))
    assert theirs.created and theirs.scan.scan_id != created.scan.scan_id
    assert _images(settings, u) == [created.scan.scan_id]


async def test_concurrent_reuse_of_a_key_with_another_photo_is_refused(waste):
    stub, settings = waste
    red = pb.CreateScanRequest(image=jpeg(), idempotency_key="race")
    green = pb.CreateScanRequest(image=jpeg((30, 200, 30)), idempotency_key="race")
    for _ in range(3):
        owner = uid()
        replies = await asyncio.gather(
            *(stub.CreateScan(r, metadata=user(owner)) for r in (red, green, red, green)),
            return_exceptions=True,
        )
        accepted = [r for r in replies if not isinstance(r, BaseException)]
        refused = [r for r in replies if isinstance(r, BaseException)]
        assert {r.scan.scan_id for r in accepted} == {accepted[0].scan.scan_id}
        assert sum(r.created for r in accepted) == 1
        assert len(accepted) == len(refused) == 2
        assert all(isinstance(r, grpc.aio.AioRpcError) and r.code() == INVALID for r in refused)
        assert _images(settings, owner) == [accepted[0].scan.scan_id]


async def test_users_refuse_nul_and_crafted_cursors(data_dir, database_url):
    u = uid()
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    async with running(build_users(settings)) as channel:
        stub = users_pb2_grpc.UsersServiceStub(channel)
        await _refused(stub.EnsureProfile(users_pb2.EnsureProfileRequest(nickname=NUL), metadata=user(u)))
        await stub.EnsureProfile(users_pb2.EnsureProfileRequest(nickname="지수"), metadata=user(u))
        patch = users_pb2.UpdateProfileRequest(nickname=NUL)
        await _refused(stub.UpdateProfile(patch, metadata=user(u)))
        entry = users_pb2.HistoryEntry(scan_id=NUL, category_code="pet", item="bottle")
        await _refused(stub.RecordScan(users_pb2.RecordScanRequest(entry=entry), metadata=user(u)))
        for name, crafted in CRAFTED_CURSORS.items():
            details = await _refused(
                stub.ListHistory(users_pb2.ListHistoryRequest(cursor=crafted), metadata=user(u))
            )
            assert details == "cursor is not valid", name
        profile = await stub.GetProfile(users_pb2.GetProfileRequest(), metadata=user(u))
        assert profile.profile.nickname == "지수"


async def test_auth_refuses_nul_nicknames_and_tokens(data_dir, database_url):
    # Kakao SDK sign-in configured, at an address where nothing answers: a token refused as
    # malformed never got as far as the provider (that would be UNAVAILABLE).
    kakao = {"kakao_client_id": "k", "kakao_client_secret": "s", "kakao_app_id": "1"}
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    settings = AuthSettings(kakao_base_url="http://127.0.0.1:9/kakao", **kakao)
    async with running(build_auth(mesh, settings)) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        await _refused(stub.DevLogin(auth_pb2.DevLoginRequest(nickname=NUL)))
        for bad in (NUL, "tok\nen", "토큰", "tok en", ""):
            token = auth_pb2.ExchangeProviderTokenRequest(provider="kakao", access_token=bad)
            await _refused(stub.ExchangeProviderToken(token))


async def test_locations_refuse_nul_ids(data_dir, database_url):
    mesh = MeshSettings(data_dir=data_dir, database_url=database_url)
    async with running(build_locations(mesh, LocationsSettings(locations_data_dir=None))) as channel:
        stub = locations_pb2_grpc.LocationsServiceStub(channel)
        await _refused(stub.GetLocation(locations_pb2.GetLocationRequest(id=NUL)))
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetLocation(locations_pb2.GetLocationRequest(id="no-such-place"))
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
