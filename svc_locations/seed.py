"""Loads drop-off points into the repository: the open-data exports, or the demo set outside production."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

from svc_locations import importer
from svc_locations.demo import demo_places
from svc_locations.importer import ImportReport
from svc_locations.repo import LocationsRepo

log = logging.getLogger(__name__)


async def import_paths(repo: LocationsRepo, paths: list[Path]) -> list[ImportReport]:
    """Parses every CSV (files, or folders searched recursively) and upserts by stable id: re-running
    the same import changes nothing."""
    reports = []
    for path in paths:
        # Reading a few hundred kB of CSV is blocking file work; keep it off the event loop.
        for file in await asyncio.to_thread(importer.discover, path):
            parsed = await asyncio.to_thread(importer.parse_file, file)
            await repo.upsert(parsed.places)
            reports.append(parsed.report)
    return reports


def summary(reports: list[ImportReport]) -> str:
    """One line for the whole import: `open data imported: 3641 points from 7 files; 23 rows
    rejected (14 missing coordinates, 9 ...)`."""
    reasons: Counter[str] = Counter()
    for report in reports:
        reasons.update(report.rejected)
    line = f"open data imported: {sum(r.imported for r in reports)} points from {len(reports)} files"
    if reasons:
        counts = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        line += f"; {reasons.total()} rows rejected ({counts})"
    return line


async def seed(repo: LocationsRepo, data_dir: Path | None, production: bool) -> list[ImportReport]:
    if data_dir is not None and await asyncio.to_thread(Path(data_dir).is_dir):
        reports = await import_paths(repo, [Path(data_dir)])
        log.info(summary(reports))
        return reports
    if production:
        log.warning("no locations data folder; FindNearby will answer from Kakao sync results only")
        return []
    places = demo_places()
    await repo.upsert(places)
    # Named, so that a mistyped WASTECOACH_LOCATIONS_DATA_DIR does not pass for a configuration.
    log.info(
        "no locations data folder at %s; loaded the demo set",
        data_dir or "(unset)",
        extra={"points": len(places)},
    )
    return []
