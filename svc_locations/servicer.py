"""LocationsService: proto ⇄ domain. Public data, so no caller identity is required."""

from __future__ import annotations

import grpc

from mesh.errors import NotFound
from protos.wastecoach.locations.v1 import locations_pb2 as pb
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from svc_locations import domain
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
    def __init__(self, repo: LocationsRepo) -> None:
        self.repo = repo

    async def FindNearby(self, request: pb.FindNearbyRequest, context: grpc.aio.ServicerContext):
        r = request
        query = domain.nearby_query(r.lat, r.lon, r.category, r.radius_m, r.limit)
        found = await self.repo.find_nearby(query)
        return pb.FindNearbyResponse(locations=[_dropoff(f.place, f.distance_m) for f in found])

    async def GetLocation(self, request: pb.GetLocationRequest, context: grpc.aio.ServicerContext):
        place = await self.repo.get(domain.clean_id(request.id))
        if place is None:
            raise NotFound(f"no drop-off point {request.id!r}")
        return pb.GetLocationResponse(location=_dropoff(place))
