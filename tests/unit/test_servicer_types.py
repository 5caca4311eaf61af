"""Every RPC of every servicer declares the response message its proto names."""

import typing

import pytest

from protos.wastecoach.auth.v1 import auth_pb2
from protos.wastecoach.coach.v1 import coach_pb2
from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.users.v1 import users_pb2
from protos.wastecoach.waste.v1 import waste_pb2
from svc_auth.servicer import AuthServicer
from svc_coach.servicer import CoachServicer
from svc_locations.servicer import LocationsServicer
from svc_users.servicer import UsersServicer
from svc_waste.servicer import WasteServicer

CASES = [
    (AuthServicer, auth_pb2),
    (UsersServicer, users_pb2),
    (WasteServicer, waste_pb2),
    (CoachServicer, coach_pb2),
    (LocationsServicer, locations_pb2),
]


@pytest.mark.parametrize(("servicer", "module"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_each_rpc_returns_its_proto_response(servicer, module):
    (service,) = module.DESCRIPTOR.services_by_name.values()
    for method in service.methods:
        hints = typing.get_type_hints(getattr(servicer, method.name))
        assert hints.get("return") is getattr(module, method.output_type.name), method.name
