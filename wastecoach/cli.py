"""The `wastecoach` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

SERVICES = ("auth", "users", "waste", "coach", "locations")
QUEUES = ("q.ai", "q.api", "q.sched", "q.batch")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wastecoach", description="AI Waste Coach backend")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run everything in one process on the embedded default")
    up.add_argument(
        "--port",
        type=int,
        default=None,
        help="edge HTTP port (default WASTECOACH_HTTP_PORT or 8000; 0 picks a free one)",
    )
    up.add_argument("--host", default="127.0.0.1")
    serve = sub.add_parser("serve", help="run one component (for k8s)")
    serve.add_argument("component", choices=("edge", *SERVICES))
    consume = sub.add_parser("consume", help="run the consumer of one queue (for k8s)")
    consume.add_argument("queue", choices=QUEUES)
    sub.add_parser("migrate", help="apply every service's database migrations")
    sub.add_parser("schedule", help="publish the periodic q.sched jobs (safe to run twice)")
    sub.add_parser("rotate-keys", help="sign with a new key; the old one verifies until its tokens expire")
    scan = sub.add_parser("scan", help="scan a photo and print the result")
    scan.add_argument("photo")
    scan.add_argument("--lat", type=float)
    scan.add_argument("--lon", type=float)
    scan.add_argument("--hint", default="")
    scan.add_argument("--url", help="a running edge (default: start an embedded one for this scan)")
    dlq = sub.add_parser("dlq", help="inspect or replay dead letters (RabbitMQ)")
    dlq.add_argument("action", choices=("list", "replay"))
    dlq.add_argument("message_id", nargs="?")
    dlq.add_argument("--all", action="store_true")
    feedback = sub.add_parser("feedback", help="export answered questions as labelled photos")
    feedback.add_argument("action", choices=("export",))
    feedback.add_argument("folder", help="writes labels.jsonl and images/<category>/<scan_id>.<ext> here")
    feedback.add_argument(
        "--addr", help="a running waste service (default: WASTECOACH_WASTE_ADDR, else the local data dir)"
    )
    sub.add_parser("vision", help="export, train or evaluate the on-device model", add_help=False)
    sub.add_parser("locations", help="import drop-off data", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Sub-tools own their arguments.
    if argv[:1] == ["vision"]:
        from vision.cli import main as vision_main

        return vision_main(argv[1:])
    if argv[:1] == ["locations"]:
        from svc_locations.cli import main as locations_main

        return locations_main(argv[1:])
    args = _parser().parse_args(argv)
    from wastecoach import commands

    handler = getattr(commands, f"cmd_{args.command.replace('-', '_')}")
    try:
        return asyncio.run(handler(args)) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
