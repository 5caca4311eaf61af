"""A deleted account stays deleted: every service that keeps a person's data tombstones the account
and creates nothing for it again, whatever token or job still names it. SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime

import grpc
import pytest

import svc_auth.component
import svc_users.component
import svc_waste.component
from mesh.db import create_engine, session_factory
from mesh.events import InProcessEventBus
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from mesh.tombstone import DELETED_DETAIL
from protos.wastecoach.auth.v1 import auth_pb2, auth_pb2_grpc
from protos.wastecoach.users.v1 import users_pb2, users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from svc_auth import domain as auth_domain
from svc_auth.repo import AuthRepo
from svc_auth.settings import AuthSettings
from svc_waste.settings import WasteSettings, images_dir
from tests.support import running, user
from tests.waste.test_lifecycle_servicer import jpeg


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str | None:
    """None: each service's own SQLite file under data_dir; else the session's PostgreSQL database."""
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


def _uid() -> str:
    return uuid.uuid4().hex


async def _refused_as_deleted(call) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert err.value.details() == DELETED_DETAIL


async def test_users_creates_no_profile_or_history_for_a_deleted_account(data_dir, database_url):
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    async with running(svc_users.component.build(settings)) as channel:
        stub = users_pb2_grpc.UsersServiceStub(channel)
        gone, stays = user(_uid()), user(_uid())
        for who in (gone, stays):
            await stub.EnsureProfile(users_pb2.EnsureProfileRequest(nickname="n"), metadata=who)
        await stub.DeleteProfile(users_pb2.DeleteProfileRequest(), metadata=gone)

        # The old access token after a restart (the edge's marker forgotten): GET /users/me.
        await _refused_as_deleted(
            stub.EnsureProfile(users_pb2.EnsureProfileRequest(nickname="n"), metadata=gone)
        )
        await _refused_as_deleted(stub.GetProfile(users_pb2.GetProfileRequest(), metadata=gone))
        await _refused_as_deleted(
            stub.UpdateProfile(users_pb2.UpdateProfileRequest(nickname="x"), metadata=gone)
        )
        # A scan job still in flight finishes: its history row is not written.
        entry = users_pb2.HistoryEntry(scan_id=_uid(), category_code="pet", item="bottle", confidence=0.9)
        recorded = await stub.RecordScan(users_pb2.RecordScanRequest(entry=entry), metadata=gone)
        assert not recorded.created
        assert not (await stub.ListHistory(users_pb2.ListHistoryRequest(), metadata=gone)).entries
        # A retried deletion is harmless; nobody else is affected.
        await stub.DeleteProfile(users_pb2.DeleteProfileRequest(), metadata=gone)
        assert (await stub.GetProfile(users_pb2.GetProfileRequest(), metadata=stays)).profile.nickname == "n"


async def test_waste_stores_no_scan_or_image_for_a_deleted_account(data_dir, database_url):
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    component = svc_waste.component.build(
        settings, WasteSettings(), publisher=InProcessBroker(), events=InProcessEventBus()
    )
    async with running(component) as channel:
        stub = waste_pb2_grpc.WasteServiceStub(channel)
        user_id = _uid()
        await stub.CreateScan(waste_pb2.CreateScanRequest(image=jpeg()), metadata=user(user_id))
        await stub.DeleteUserScans(waste_pb2.DeleteUserScansRequest(), metadata=user(user_id))

        await _refused_as_deleted(
            stub.CreateScan(waste_pb2.CreateScanRequest(image=jpeg()), metadata=user(user_id))
        )
        await _refused_as_deleted(
            stub.CreateUpload(
                waste_pb2.CreateUploadRequest(content_type="image/jpeg", size=100), metadata=user(user_id)
            )
        )
        assert not (await stub.ListScans(waste_pb2.ListScansRequest(), metadata=user(user_id))).scans
        assert [p for p in images_dir(settings).rglob("*") if user_id in str(p)] == []
        retried = await stub.DeleteUserScans(waste_pb2.DeleteUserScansRequest(), metadata=user(user_id))
        assert retried.deleted == 0
        other = await stub.CreateScan(waste_pb2.CreateScanRequest(image=jpeg()), metadata=user(_uid()))
        assert other.created


async def test_auth_issues_no_tokens_for_a_deleted_account(data_dir, database_url):
    settings = MeshSettings(data_dir=data_dir, database_url=database_url)
    async with running(svc_auth.component.build(settings, AuthSettings())) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        nickname = f"leaver-{_uid()[:8]}"
        first = (await stub.DevLogin(auth_pb2.DevLoginRequest(nickname=nickname))).tokens
        await stub.DeleteAccount(auth_pb2.DeleteAccountRequest(), metadata=user(first.user_id))
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.RefreshToken(auth_pb2.RefreshTokenRequest(refresh_token=first.refresh_token))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED

        # A sign-in that raced the deletion wrote its account row and refresh token after the
        # deletion's deletes had run: they name the deleted user.
        engine = create_engine(settings.database_url_for("auth"))
        try:
            repo = AuthRepo(session_factory(engine))
            now = datetime.now(UTC)
            account = auth_domain.Account(first.user_id, "dev", nickname.casefold(), nickname)
            await repo.create_account(account, now)
            raced = auth_domain.issue(account, auth_domain.active_key(await repo.keys()), now)
            await repo.store_refresh(raced, now)

            await _refused_as_deleted(
                stub.RefreshToken(auth_pb2.RefreshTokenRequest(refresh_token=raced.refresh_token))
            )
            # What the race left is gone with the refusal: signing in again starts a new account.
            assert await repo.find_account("dev", nickname.casefold()) is None
            assert await repo.get_refresh(raced.refresh_hash) is None
        finally:
            await engine.dispose()
        again = (await stub.DevLogin(auth_pb2.DevLoginRequest(nickname=nickname))).tokens
        assert again.user_id != first.user_id
