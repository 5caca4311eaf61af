"""`wastecoach locations import PATH...`: migrate the locations database, then import CSV exports.

The project CLI delegates here (`svc_locations.cli.main(argv)`); this is an entry point, so it is
allowed to read the WASTECOACH_* environment.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from mesh.db import create_engine
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings, read_env
from svc_locations import importer
from svc_locations.component import MIGRATIONS, VERSION_TABLE
from svc_locations.importer import ImportFormatError, ImportReport
from svc_locations.repo import LocationsRepo
from svc_locations.seed import import_paths
from svc_locations.settings import LocationsSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wastecoach locations", description="drop-off point data")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="import public-data CSV exports (files or folders)")
    load.add_argument("paths", nargs="*", type=Path, help="default: WASTECOACH_LOCATIONS_DATA_DIR")
    load.add_argument("--database-url", help="default: the service's database from the settings")
    load.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
    return parser


def _print(reports: list[ImportReport]) -> None:
    for r in reports:
        reasons = ", ".join(f"{n} {reason}" for reason, n in r.rejected.most_common()) or "none"
        print(f"{r.path}: {r.layout}, source {r.source}: {r.read} read, {r.imported} imported")
        print(f"  rejected: {reasons}")
        if r.unmapped_items:
            print(f"  unmapped item spellings (kept as raw text): {', '.join(sorted(r.unmapped_items))}")
    imported, rejected = sum(r.imported for r in reports), sum(r.rejected_total for r in reports)
    print(f"total: {imported} imported, {rejected} rejected")


async def _import(paths: list[Path], url: str) -> list[ImportReport]:
    await upgrade_async(url, MIGRATIONS, VERSION_TABLE)
    engine = create_engine(url)
    try:
        return await import_paths(LocationsRepo(engine), paths)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = read_env(LocationsSettings)
    paths = args.paths or ([settings.locations_data_dir] if settings.locations_data_dir else [])
    if not paths:
        print("no paths given and no WASTECOACH_LOCATIONS_DATA_DIR folder found", file=sys.stderr)
        return 2
    try:
        if args.dry_run:
            reports = [importer.parse_file(f).report for p in paths for f in importer.discover(p)]
        else:
            url = args.database_url or read_env(MeshSettings).database_url_for("locations")
            reports = asyncio.run(_import(paths, url))
    except (FileNotFoundError, ImportFormatError) as exc:
        print(f"import failed: {exc}", file=sys.stderr)
        return 1
    _print(reports)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
