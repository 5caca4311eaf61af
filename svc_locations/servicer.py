"""LocationsService: proto ⇄ domain. Public data, so reads need no caller identity; syncs are worker-only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from mesh.errors import Conflict, InvalidInput, NotFound, TooMany, Unavailable
from mesh.identity import require_system
from protos.wastecoach.locations.v1 import locations_pb2 as pb
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from svc_locations import domain
from svc_locations.importer import ImportReport
from svc_locations.kakao import KakaoError, KakaoLocal, KakaoRateLimited, KakaoUnavailable
from svc_locations.kakao_sync import sync_places
from svc_locations.repo import LocationsRepo


def _dropoff(place: domain.DropOff, distance_m: float = 0.0) -> pb.DropOff:
    return pb.DropOff(
        id=place.id,
        name=place.name,
        kind=place.kind,
        lat=place.lat,
        lon=place.lon,
        distance_m=distance_m,
        accepts=list(place.accepts),
        address=place.address,
        opening_hours=place.opening_hours,
        source=place.source,
        licence=place.licence,
        map_url=domain.map_url(place.name, place.lat, place.lon),
        updated_at=place.updated_at.isoformat(),
    )


class LocationsServicer(locations_pb2_grpc.LocationsServiceServicer):
    def __init__(
        self,
        repo: LocationsRepo,
        kakao: Callable[[], KakaoLocal | None] = lambda: None,
        refresh: Callable[[], Awaitable[list[ImportReport]]] | None = None,
    ) -> None:
        self.repo = repo
        self.kakao = kakao
        self.refresh = refresh

    async def FindNearby(
        self, request: pb.FindNearbyRequest, context: grpc.aio.ServicerContext
    ) -> pb.FindNearbyResponse:
        r = request
        query = domain.nearby_query(r.lat, r.lon, r.category, r.radius_m, r.limit)
        found = await self.repo.find_nearby(query)
        return pb.FindNearbyResponse(locations=[_dropoff(f.place, f.distance_m) for f in found])

    async def GetLocation(
        self, request: pb.GetLocationRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetLocationResponse:
        place = await self.repo.get(domain.clean_id(request.id))
        if place is None:
            raise NotFound(f"no drop-off point {request.id!r}")
        return pb.GetLocationResponse(location=_dropoff(place))

    async def SyncKakaoPlaces(
        self, request: pb.SyncKakaoPlacesRequest, context: grpc.aio.ServicerContext
    ) -> pb.SyncKakaoPlacesResponse:
        await require_system(context)
        client = self.kakao()
        if client is None:
            raise Conflict("Kakao Local is not configured (WASTECOACH_KAKAO_REST_API_KEY)")
        try:
            result = await sync_places(
                client, self.repo, request.query, request.lat, request.lon, request.radius_m, request.category
            )
        except KakaoRateLimited as exc:
            # A quota, not an outage: the q.api job's few backed-off attempts, not the outage budget.
            raise TooMany(f"Kakao Local: {exc}") from exc
        except KakaoUnavailable as exc:
            raise Unavailable(f"Kakao Local: {exc}") from exc
        except KakaoError as exc:
            raise InvalidInput(f"Kakao Local refused the request: {exc}") from exc
        return pb.SyncKakaoPlacesResponse(fetched=result.fetched, stored=result.stored)

    async def RefreshOpenData(
        self, request: pb.RefreshOpenDataRequest, context: grpc.aio.ServicerContext
    ) -> pb.RefreshOpenDataResponse:
        await require_system(context)
        if self.refresh is None:
            raise Conflict("no open-data folder is configured")
        reports = await self.refresh()
        return pb.RefreshOpenDataResponse(
            imported=sum(r.imported for r in reports), rejected=sum(r.rejected_total for r in reports)
        )
