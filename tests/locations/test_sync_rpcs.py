"""The worker RPCs the q.api and q.sched jobs call: Kakao sync (against the loopback fake) and refresh."""

from __future__ import annotations

import grpc
import pytest

from mesh.identity import system_metadata
from mesh.settings import MeshSettings
from protos.wastecoach.locations.v1 import locations_pb2 as pb
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from svc_locations.component import build
from svc_locations.settings import LocationsSettings
from tests.support import running, user


async def test_kakao_sync_caches_places_that_nearby_search_then_finds(tmp_path, fake_kakao):
    fake_kakao.add_place("9001", "중구 폐건전지 수거함", 37.5665, 126.9780)
    settings = LocationsSettings(
        locations_data_dir=None,
        kakao_rest_api_key="test-rest-key",
        kakao_local_base_url=fake_kakao.base_url,
    )
    async with running(build(MeshSettings(data_dir=tmp_path, env="test"), settings)) as channel:
        stub = locations_pb2_grpc.LocationsServiceStub(channel)
        request = pb.SyncKakaoPlacesRequest(
            query="폐건전지", lat=37.5663, lon=126.9779, radius_m=1000, category="battery"
        )
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.SyncKakaoPlaces(request, metadata=user("someone"))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        synced = await stub.SyncKakaoPlaces(request, metadata=system_metadata())
        assert synced.stored == 1
        assert fake_kakao.requests[-1][2]["authorization"] == "KakaoAK test-rest-key"
        near = await stub.FindNearby(pb.FindNearbyRequest(lat=37.5663, lon=126.9779, category="battery"))
        assert near.locations[0].id == "kakao_local:9001"  # the demo set (env=test) lies further away
        assert near.locations[0].source == "kakao_local"
        fake_kakao.fail_next(429, "RequestThrottled", "too many", {"Retry-After": "0"})
        fake_kakao.fail_next(429, "RequestThrottled", "too many", {"Retry-After": "0"})
        fake_kakao.fail_next(429, "RequestThrottled", "too many", {"Retry-After": "0"})
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.SyncKakaoPlaces(request, metadata=system_metadata())
        assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # a quota: retried, not as an outage


async def test_sync_without_a_key_is_a_clear_precondition_error(tmp_path):
    settings = LocationsSettings(locations_data_dir=None)
    async with running(build(MeshSettings(data_dir=tmp_path, env="test"), settings)) as channel:
        stub = locations_pb2_grpc.LocationsServiceStub(channel)
        for call, request in (
            (stub.SyncKakaoPlaces, pb.SyncKakaoPlacesRequest(query="x", lat=37.5, lon=127.0, radius_m=100)),
            (stub.RefreshOpenData, pb.RefreshOpenDataRequest()),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await call(request, metadata=system_metadata())
            assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_refresh_reimports_the_open_data_idempotently(tmp_path, data_folder):
    settings = LocationsSettings(locations_data_dir=data_folder)
    async with running(build(MeshSettings(data_dir=tmp_path, env="test"), settings)) as channel:
        stub = locations_pb2_grpc.LocationsServiceStub(channel)
        first = await stub.RefreshOpenData(pb.RefreshOpenDataRequest(), metadata=system_metadata())
        assert first.imported == 3641 and first.rejected == 14
        again = await stub.RefreshOpenData(pb.RefreshOpenDataRequest(), metadata=system_metadata())
        assert again.imported == first.imported
