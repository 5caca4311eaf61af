"""Keyset pagination shared by list RPCs: an opaque cursor over (timestamp, id), newest first."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from mesh.errors import InvalidInput

DEFAULT_PAGE = 20
MAX_PAGE = 100


def page_size(limit: int) -> int:
    if limit < 0:
        raise InvalidInput("limit must not be negative")
    return min(limit or DEFAULT_PAGE, MAX_PAGE)


def encode_cursor(when: datetime, key: str) -> str:
    raw = json.dumps([when.isoformat(), key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        when, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(when), str(key)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("cursor is not valid") from exc
