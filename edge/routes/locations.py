"""Drop-off points near the user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from edge import convert, schemas
from edge.deps import ClientsDep, CurrentUser
from edge.schemas import NoNul
from protos.wastecoach.locations.v1 import locations_pb2

router = APIRouter(prefix="/api/v1/locations", tags=["locations"])


@router.get("/nearby", response_model=schemas.DropOffList, operation_id="findNearby")
async def nearby(
    _: CurrentUser,
    clients: ClientsDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    category: Annotated[str, Query(max_length=32)] = "",
    radius_m: Annotated[int, Query(ge=1, le=50_000)] = 2000,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> schemas.DropOffList:
    reply = await clients.locations.FindNearby(
        locations_pb2.FindNearbyRequest(lat=lat, lon=lon, category=category, radius_m=radius_m, limit=limit)
    )
    return schemas.DropOffList(items=[convert.drop_off(d) for d in reply.locations], next_cursor=None)


@router.get("/{location_id}", response_model=schemas.DropOff, operation_id="getLocation")
async def get_location(
    _: CurrentUser, clients: ClientsDep, location_id: Annotated[str, Path(max_length=128), NoNul]
) -> schemas.DropOff:
    reply = await clients.locations.GetLocation(locations_pb2.GetLocationRequest(id=location_id))
    return convert.drop_off(reply.location, with_distance=False)
