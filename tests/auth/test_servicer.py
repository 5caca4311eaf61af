import grpc
import pytest

from mesh.settings import MeshSettings
from protos.wastecoach.auth.v1 import auth_pb2 as pb
from protos.wastecoach.auth.v1 import auth_pb2_grpc
from svc_auth.component import build
from svc_auth.settings import AuthSettings
from tests.support import running, user


@pytest.fixture
async def stub(data_dir):
    async with running(build(MeshSettings(data_dir=data_dir), AuthSettings())) as channel:
        yield auth_pb2_grpc.AuthServiceStub(channel)


async def test_dev_login_reuses_the_account(stub):
    a = await stub.DevLogin(pb.DevLoginRequest(nickname="Minji"))
    b = await stub.DevLogin(pb.DevLoginRequest(nickname="minji"))
    assert a.tokens.user_id == b.tokens.user_id
    assert a.tokens.token_type == "Bearer" and a.tokens.expires_in == 900


async def test_refresh_rotates_and_reuse_revokes_the_family(stub):
    first = (await stub.DevLogin(pb.DevLoginRequest(nickname="rotator"))).tokens
    second = (await stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=first.refresh_token))).tokens
    assert second.refresh_token != first.refresh_token
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=first.refresh_token))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    # The thief's reuse revoked the whole family: the legitimate newer token is dead too.
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=second.refresh_token))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_logout_revokes(stub):
    tokens = (await stub.DevLogin(pb.DevLoginRequest(nickname="leaver"))).tokens
    await stub.Logout(pb.LogoutRequest(refresh_token=tokens.refresh_token))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.RefreshToken(pb.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_dev_login_refused_in_production(data_dir):
    async with running(build(MeshSettings(data_dir=data_dir, env="production"), AuthSettings())) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await auth_pb2_grpc.AuthServiceStub(channel).DevLogin(pb.DevLoginRequest(nickname="x"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_delete_account_requires_identity(stub):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.DeleteAccount(pb.DeleteAccountRequest())
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    await stub.DeleteAccount(pb.DeleteAccountRequest(), metadata=user("someone"))


async def test_sign_in_rpcs_refuse_what_they_cannot_vouch_for(stub):
    cases = [
        (stub.Authorize(pb.AuthorizeRequest(provider="kakao")), grpc.StatusCode.FAILED_PRECONDITION),
        (stub.Authorize(pb.AuthorizeRequest(provider="myspace")), grpc.StatusCode.NOT_FOUND),
        (
            stub.ExchangeProviderToken(pb.ExchangeProviderTokenRequest(provider="google", access_token="t")),
            grpc.StatusCode.FAILED_PRECONDITION,
        ),
        (stub.RedeemCode(pb.RedeemCodeRequest(code="guess")), grpc.StatusCode.UNAUTHENTICATED),
        (stub.RedeemCode(pb.RedeemCodeRequest()), grpc.StatusCode.UNAUTHENTICATED),
    ]
    for call, code in cases:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == code
        assert "secret" not in err.value.details()


async def test_sdk_tokens_need_a_configured_audience(data_dir):
    settings = AuthSettings(
        kakao_client_id="k",
        kakao_client_secret="s",
        naver_client_id="n",
        naver_client_secret="s",
    )
    async with running(build(MeshSettings(data_dir=data_dir), settings)) as channel:
        stub = auth_pb2_grpc.AuthServiceStub(channel)
        for provider in ("kakao", "naver"):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await stub.ExchangeProviderToken(
                    pb.ExchangeProviderTokenRequest(provider=provider, access_token="t")
                )
            assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert err.value.details().startswith(f"{provider} SDK sign-in not configured")


async def test_callback_needs_a_state_it_issued(data_dir):
    settings = AuthSettings(naver_client_id="n", naver_client_secret="s")
    async with running(build(MeshSettings(data_dir=data_dir), settings)) as channel:
        naver = auth_pb2_grpc.AuthServiceStub(channel)
        start = await naver.Authorize(pb.AuthorizeRequest(provider="naver"))
        assert start.authorize_url.startswith("https://nid.naver.com/oauth2.0/authorize?")
        assert f"state={start.state}" in start.authorize_url and "code_challenge" not in start.authorize_url
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await naver.Callback(pb.CallbackRequest(provider="naver", code="c", state="not-issued"))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await naver.Authorize(pb.AuthorizeRequest(provider="naver", redirect_uri="https://evil.example"))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
