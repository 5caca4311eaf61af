"""Where scan images live: a local folder on the embedded default (S3 in production, see s3.py)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mesh.errors import Conflict, InvalidInput, NotFound

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,254}$")


class ImageStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...
    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]: ...


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise InvalidInput("image_key is not valid")
    return key


class LocalImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # atomic: a reader never sees half an image

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise NotFound("the image is no longer stored") from exc

    async def delete(self, key: str) -> None:
        path = self._path(key)

        def remove() -> None:
            path.unlink(missing_ok=True)
            # Folders are named after users (scans/<user id>/): an emptied one goes too.
            for parent in path.parents:
                if parent == self.root or not parent.is_relative_to(self.root):
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break  # not empty, or already gone

        await asyncio.to_thread(remove)

    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]:
        raise Conflict("direct uploads need S3 storage; send the image with the scan instead")
