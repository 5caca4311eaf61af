"""Services act only for a caller the mesh key signed: a plaintext `x-user-id` from anyone who
reaches a service port, a forged or expired token, or one made for another method is refused."""

import time

import grpc
import pytest

from mesh.grpc_channel import make_channel
from mesh.identity import TOKEN_KEY, IdentityKey, load_key
from mesh.settings import MeshSettings
from protos.wastecoach.users.v1 import users_pb2 as pb
from protos.wastecoach.users.v1 import users_pb2_grpc
from svc_users.component import build
from tests.support import TEST_KEY, user

ENSURE = "/wastecoach.users.v1.UsersService/EnsureProfile"
GET = "/wastecoach.users.v1.UsersService/GetProfile"


@pytest.fixture
async def users(data_dir):
    component = build(MeshSettings(data_dir=data_dir))
    await component.migrate()
    server = await component.start("127.0.0.1", 0, TEST_KEY)
    address = f"127.0.0.1:{server.port}"
    async with make_channel(address, identity=TEST_KEY) as channel:
        await users_pb2_grpc.UsersServiceStub(channel).EnsureProfile(
            pb.EnsureProfileRequest(nickname="앨리스"), metadata=user("alice")
        )
    yield address
    await component.stop(0)


async def _get_profile(address: str, metadata) -> pb.GetProfileResponse:
    async with grpc.aio.insecure_channel(address) as channel:
        return await users_pb2_grpc.UsersServiceStub(channel).GetProfile(
            pb.GetProfileRequest(), metadata=metadata
        )


async def _refused(address: str, metadata) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _get_profile(address, metadata)
    return err.value.code()


async def test_a_signed_identity_reads_its_own_profile(users):
    reply = await _get_profile(users, ((TOKEN_KEY, TEST_KEY.sign("alice", GET)),))
    assert reply.profile.nickname == "앨리스"


async def test_a_plaintext_user_header_is_not_trusted(users):
    assert await _refused(users, user("alice")) == grpc.StatusCode.UNAUTHENTICATED


async def test_a_token_from_another_key_is_refused(users):
    forged = IdentityKey(b"somebody-elses-key-0123456789").sign("alice", GET)
    assert await _refused(users, ((TOKEN_KEY, forged),)) == grpc.StatusCode.UNAUTHENTICATED


async def test_a_token_for_another_method_is_refused(users):
    seen = TEST_KEY.sign("alice", ENSURE)
    assert await _refused(users, ((TOKEN_KEY, seen),)) == grpc.StatusCode.UNAUTHENTICATED


async def test_an_old_token_is_refused(users):
    old = TEST_KEY.sign("alice", GET, now=time.time() - 600)
    assert await _refused(users, ((TOKEN_KEY, old),)) == grpc.StatusCode.UNAUTHENTICATED


async def test_a_tampered_caller_is_refused(users):
    token = TEST_KEY.sign("alice", GET)
    assert await _refused(users, ((TOKEN_KEY, token[: -len("alice")] + "bob"),)) == (
        grpc.StatusCode.UNAUTHENTICATED
    )


def test_tokens_are_short_lived_with_a_small_leeway():
    token = TEST_KEY.sign("alice", GET, now=1000)
    assert TEST_KEY.verify(token, GET, now=1000 + 60 + 29) == "alice"
    with pytest.raises(ValueError):
        TEST_KEY.verify(token, GET, now=1000 + 60 + 31)


def test_local_processes_share_one_key_file(tmp_path):
    first, second = load_key("", tmp_path), load_key("", tmp_path)
    token = first.sign("alice", GET)
    assert second.verify(token, GET) == "alice"
    assert (tmp_path / "internal-identity.key").stat().st_mode & 0o077 == 0
    with pytest.raises(ValueError):
        load_key("", tmp_path / "other").verify(token, GET)


def test_processes_starting_together_get_the_same_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_key("", tmp_path), range(16)))
    token = keys[0].sign("alice", GET)
    assert all(key.verify(token, GET) == "alice" for key in keys)
    assert [p.name for p in tmp_path.iterdir()] == ["internal-identity.key"]
