"""Entry-point helper: the one place a standalone service reads its environment and serves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from mesh.component import ServiceComponent, serve_forever
from mesh.logs import configure_logging
from mesh.ops_http import start_ops_server
from mesh.settings import MeshSettings
from mesh.telemetry import setup_telemetry

S = TypeVar("S", bound=MeshSettings)


def run_service(
    name: str, build: Callable[[S], ServiceComponent], settings_class: type[S] = MeshSettings
) -> None:
    settings = settings_class()
    settings.check_production()
    configure_logging(f"wastecoach-{name}", settings.log_level, settings.log_json)
    setup_telemetry(f"wastecoach-{name}")

    async def main() -> None:
        if settings.metrics_port:
            start_ops_server(settings.metrics_port)
        await serve_forever(
            build(settings), settings.grpc_host, settings.port_for(name), settings.grpc_grace_s
        )

    asyncio.run(main())
