"""What each `wastecoach` sub-command does; the only place that reads the environment."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path

import httpx

from mesh.component import wait_for_signal
from mesh.logs import configure_logging, wants_json
from mesh.telemetry import setup_telemetry
from wastecoach.settings import Settings

log = logging.getLogger(__name__)


def _settings(component: str) -> Settings:
    settings = Settings.from_env()
    mesh = settings.mesh
    mesh.check_production()
    configure_logging(f"wastecoach-{component}", mesh.log_level, wants_json(mesh.log_json, mesh.production))
    for name in Settings.unknown_variables(os.environ):
        log.warning("%s is not a setting; ignored (see the configuration table in the README)", name)
    setup_telemetry(f"wastecoach-{component}")
    return settings


async def cmd_up(args: argparse.Namespace) -> int:
    from wastecoach.runner import Mesh

    mesh = Mesh(_settings("up"))
    try:  # a start that fails half-way still closes what it opened
        port = mesh.settings.edge.http_port if args.port is None else args.port
        url = await mesh.start(args.host, port)
        # The one line a person needs among the logs (stdout, apart from them on stderr); bold on a terminal.
        line = (
            f"AI Waste Coach is up: {url}  open it in a browser (API docs: {url}/docs; "
            f"data in {mesh.settings.mesh.data_dir}; Ctrl+C stops)"
        )
        print(f"\033[1m{line}\033[0m" if sys.stdout.isatty() else line, flush=True)
        await wait_for_signal()
    finally:
        await mesh.stop()
    return 0


async def cmd_serve(args: argparse.Namespace) -> int:
    from wastecoach.standalone import serve_component

    await serve_component(args.component, _settings(args.component))
    return 0


async def cmd_consume(args: argparse.Namespace) -> int:
    from wastecoach.standalone import consume_queue

    await consume_queue(args.queue, _settings(f"consumer-{args.queue.replace('.', '-')}"))
    return 0


async def cmd_migrate(args: argparse.Namespace) -> int:
    from wastecoach.standalone import migrate_all

    await migrate_all(_settings("migrate"))
    print("migrations applied", flush=True)
    return 0


async def cmd_schedule(args: argparse.Namespace) -> int:
    from wastecoach.standalone import run_scheduler

    await run_scheduler(_settings("scheduler"))
    return 0


async def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from svc_auth.keys import rotate_stored

    key = await rotate_stored(_settings("rotate-keys").mesh, datetime.now(UTC))
    print(f"signing with key {key.kid}; previous keys retired", flush=True)
    return 0


async def cmd_dlq(args: argparse.Namespace) -> int:
    from consumers.dlq import list_dead_letters, replay_dead_letters

    rabbit_url = _settings("dlq").mesh.rabbit_url
    if not rabbit_url:
        print(
            "dlq needs WASTECOACH_RABBIT_URL (the embedded default logs dead letters instead)",
            file=sys.stderr,
        )
        return 2
    if args.action == "list":
        for letter in await list_dead_letters(rabbit_url):
            print(json.dumps(letter, ensure_ascii=False, default=str))
        return 0
    if not args.all and not args.message_id:
        print("say which: dlq replay MESSAGE_ID, or dlq replay --all", file=sys.stderr)
        return 2
    count = await replay_dead_letters(rabbit_url, None if args.all else args.message_id)
    print(f"replayed {count} message(s)")
    return 0 if count or args.all else 1


async def cmd_feedback(args: argparse.Namespace) -> int:
    from mesh.grpc_channel import make_channel
    from protos.wastecoach.waste.v1 import waste_pb2_grpc
    from wastecoach.feedback import export, local_waste

    settings = _settings("feedback")
    folder = Path(args.folder)
    # A running waste service when one is named; else the embedded default's data, read in-process.
    mesh = settings.mesh
    addr = args.addr or (mesh.waste_addr if "WASTECOACH_WASTE_ADDR" in os.environ else "")
    async with local_waste(settings, addr) as target:
        channel = make_channel(target, identity=mesh.identity_key(), deadline_s=mesh.grpc_deadline_s)
        async with channel:
            report = await export(waste_pb2_grpc.WasteServiceStub(channel), folder)
    print(
        f"wrote {report.written} example(s) to {folder / 'labels.jsonl'}: {report.images} with their photo, "
        f"{report.no_image} with no image any more"
    )
    return 0


async def scan_via(
    url: str, photo: Path, lat: float | None, lon: float | None, hint: str, timeout_s: float = 60
) -> dict:
    image = await asyncio.to_thread(photo.read_bytes)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        login = await http.post("/api/v1/auth/dev/login", json={"nickname": "cli"})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        form = {k: str(v) for k, v in {"lat": lat, "lon": lon, "hint": hint or None}.items() if v is not None}
        created = await http.post(
            "/api/v1/scans", headers=headers, data=form, files={"image": (photo.name, image)}
        )
        if created.status_code != 202:
            return created.json()
        status_url = created.json()["status_url"]
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            scan = (await http.get(status_url, headers=headers)).json()
            if scan.get("status") in ("done", "failed") or asyncio.get_running_loop().time() > deadline:
                return scan
            await asyncio.sleep(0.2)


async def cmd_scan(args: argparse.Namespace) -> int:
    photo = Path(args.photo)
    if not await asyncio.to_thread(photo.is_file):
        print(f"no such photo: {photo}", file=sys.stderr)
        return 2
    if args.url:
        result = await scan_via(args.url, photo, args.lat, args.lon, args.hint)
    else:
        from wastecoach.runner import Mesh

        settings = Settings.from_env()
        settings.mesh.check_production()
        configure_logging(
            "wastecoach-scan", "WARNING", wants_json(settings.mesh.log_json, settings.mesh.production)
        )
        mesh = Mesh(settings)
        url = await mesh.start(port=0)
        try:
            result = await scan_via(url, photo, args.lat, args.lon, args.hint)
        finally:
            await mesh.stop()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("status") == "done" else 1
