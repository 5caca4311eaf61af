"""Client channels with a default deadline, so no call can hang a caller forever."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc

from mesh.grpc_server import MAX_MESSAGE_BYTES
from mesh.identity import IdentityKey, SignIdentity

# Transient failures (a restarting pod) are retried by gRPC itself, bounded.
_SERVICE_CONFIG = json.dumps(
    {
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    }
)


class DefaultDeadline(grpc.aio.UnaryUnaryClientInterceptor):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], details: grpc.aio.ClientCallDetails, request: Any
    ) -> Any:
        if details.timeout is None:
            details = details._replace(timeout=self.seconds)
        return await continuation(details, request)


def make_channel(
    address: str,
    *,
    identity: IdentityKey,
    deadline_s: float = 10.0,
    interceptors: list[grpc.aio.ClientInterceptor] | None = None,
) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(
        address,
        interceptors=[DefaultDeadline(deadline_s), SignIdentity(identity), *(interceptors or [])],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.service_config", _SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
        ],
    )
