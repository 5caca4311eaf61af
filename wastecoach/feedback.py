"""`wastecoach feedback export DIR`: answered questions as labelled examples, with their photos.

DIR/labels.jsonl holds one Feedback message per line (proto field names); each photo still stored
goes to DIR/images/<chosen_category>/<scan_id>.<ext>, the folder layout image-folder loaders read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from mesh.events import InProcessEventBus
from mesh.identity import system_metadata
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from vision.formats import PHOTO_TYPES
from wastecoach.settings import Settings

PAGE = 100
# Category codes and scan ids become path parts: anything else is not trusted as one.
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass
class ExportReport:
    written: int = 0
    images: int = 0
    no_image: int = 0


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def _image(
    waste: waste_pb2_grpc.WasteServiceStub, scan_id: str
) -> waste_pb2.GetScanImageResponse | None:
    try:
        return await waste.GetScanImage(
            waste_pb2.GetScanImageRequest(scan_id=scan_id), metadata=system_metadata()
        )
    except grpc.aio.AioRpcError as exc:
        # Expired by the retention period, or the scan was deleted with its owner's account.
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


async def export(waste: waste_pb2_grpc.WasteServiceStub, folder: Path) -> ExportReport:
    report = ExportReport()
    lines: list[str] = []
    cursor = ""
    while True:
        page = await waste.ListFeedback(
            waste_pb2.ListFeedbackRequest(cursor=cursor, limit=PAGE), metadata=system_metadata()
        )
        for example in page.feedback:
            row = MessageToDict(example, preserving_proto_field_name=True)
            lines.append(json.dumps(row, ensure_ascii=False))
            report.written += 1
            image = await _image(waste, example.scan_id)
            if image is None or not image.image:
                report.no_image += 1
                continue
            label = example.chosen_category if _SAFE.match(example.chosen_category) else "unknown"
            name = example.scan_id if _SAFE.match(example.scan_id) else f"example-{report.written}"
            ext = PHOTO_TYPES.get(image.content_type, "img")
            await asyncio.to_thread(_write, folder / "images" / label / f"{name}.{ext}", image.image)
            report.images += 1
        cursor = page.next_cursor
        if not cursor:
            break
    text = "".join(line + "\n" for line in lines)
    await asyncio.to_thread(_write, folder / "labels.jsonl", text.encode())
    return report


class _NoPublishing:
    """The export only reads: a publish would mean a bug, never a lost job."""

    async def publish(self, queue: str, body: dict[str, Any], **_: Any) -> None:
        raise RuntimeError("the feedback export does not publish jobs")


@contextlib.asynccontextmanager
async def local_waste(settings: Settings, addr: str) -> AsyncIterator[str]:
    """`addr` when given; else a read-only waste service on the settings' data, on a loopback port."""
    if addr:
        yield addr
        return
    import svc_waste.component

    component = svc_waste.component.build(
        settings.mesh, settings.waste, publisher=_NoPublishing(), events=InProcessEventBus(), relay=False
    )
    server = await component.start("127.0.0.1", 0, settings.mesh.identity_key())
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        await component.stop(0)
