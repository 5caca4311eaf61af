"""The edge's gRPC stubs, one channel per service."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from mesh.grpc_channel import make_channel
from mesh.settings import MeshSettings
from protos.wastecoach.auth.v1 import auth_pb2_grpc
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from protos.wastecoach.locations.v1 import locations_pb2_grpc
from protos.wastecoach.users.v1 import users_pb2_grpc
from protos.wastecoach.waste.v1 import waste_pb2_grpc


@dataclass
class Clients:
    auth: auth_pb2_grpc.AuthServiceStub
    users: users_pb2_grpc.UsersServiceStub
    waste: waste_pb2_grpc.WasteServiceStub
    coach: coach_pb2_grpc.CoachServiceStub
    locations: locations_pb2_grpc.LocationsServiceStub
    channels: list[grpc.aio.Channel]

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


def connect(settings: MeshSettings) -> Clients:
    identity = settings.identity_key()

    def channel(service: str) -> grpc.aio.Channel:
        return make_channel(
            settings.address_of(service), identity=identity, deadline_s=settings.grpc_deadline_s
        )

    chans = {name: channel(name) for name in ("auth", "users", "waste", "coach", "locations")}
    return Clients(
        auth=auth_pb2_grpc.AuthServiceStub(chans["auth"]),
        users=users_pb2_grpc.UsersServiceStub(chans["users"]),
        waste=waste_pb2_grpc.WasteServiceStub(chans["waste"]),
        coach=coach_pb2_grpc.CoachServiceStub(chans["coach"]),
        locations=locations_pb2_grpc.LocationsServiceStub(chans["locations"]),
        channels=list(chans.values()),
    )
