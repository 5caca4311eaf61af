"""Where scan images live: a local folder on the embedded default (S3 in production, see s3.py)."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from mesh.errors import Conflict, InvalidInput, NotFound
from svc_waste.domain import MAX_IMAGE_BYTES

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,254}$")


class ImageStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
        """The image; InvalidInput, before anything is read, when it is larger than max_bytes."""
        ...

    async def delete(self, key: str) -> None: ...
    async def list(
        self, prefix: str, start_after: str = "", limit: int | None = None
    ) -> list[tuple[str, datetime]]:
        """(key, last modified) of the stored images whose key starts with prefix, in key order:
        those after `start_after`, at most `limit` (a page; all when None)."""
        ...

    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]: ...


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise InvalidInput("image_key is not valid")
    return key


def too_large(max_bytes: int) -> InvalidInput:
    return InvalidInput(f"the image is larger than {max_bytes // (1024 * 1024)} MB")


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

    async def get(self, key: str, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
        path = self._path(key)

        def read() -> bytes:
            with path.open("rb") as f:
                # The size before the bytes, and a capped read in case the file grows meanwhile.
                if os.fstat(f.fileno()).st_size > max_bytes:
                    raise too_large(max_bytes)
                data = f.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise too_large(max_bytes)
            return data

        try:
            return await asyncio.to_thread(read)
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

    async def list(
        self, prefix: str, start_after: str = "", limit: int | None = None
    ) -> list[tuple[str, datetime]]:
        def walk() -> list[tuple[str, datetime]]:
            found = []
            # Only the folder the prefix names is walked (scans/<user id>/ for one user).
            top = self.root / prefix.rpartition("/")[0]
            for folder, _, names in os.walk(top):
                for name in names:
                    path = os.path.join(folder, name)
                    key = os.path.relpath(path, self.root).replace(os.sep, "/")
                    # A file whose name is no key (not ours) is left alone.
                    if not (key.startswith(prefix) and _KEY.match(key)) or key <= start_after:
                        continue
                    try:
                        modified = os.stat(path).st_mtime
                    except FileNotFoundError:
                        continue  # deleted meanwhile
                    found.append((key, datetime.fromtimestamp(modified, UTC)))
            return sorted(found)[:limit]

        return await asyncio.to_thread(walk)

    async def presign_put(
        self, key: str, content_type: str, size: int
    ) -> tuple[str, datetime, dict[str, str]]:
        raise Conflict("direct uploads need S3 storage; send the image with the scan instead")
