"""Keyset pagination shared by list RPCs: an opaque cursor over (timestamp, id), newest first."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from mesh.errors import InvalidInput

DEFAULT_PAGE = 20
MAX_PAGE = 100
# Keys are the rows' ids (64 characters at most).
MAX_KEY = 64


def page_size(limit: int) -> int:
    if limit < 0:
        raise InvalidInput("limit must not be negative")
    return min(limit or DEFAULT_PAGE, MAX_PAGE)


def encode_cursor(when: datetime, key: str) -> str:
    raw = json.dumps([when.isoformat(), key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str] | None:
    """The (timestamp, key) a page continues after; a cursor this module did not write is refused
    here, never handed to the database (naive or out-of-range times, a key it cannot store)."""
    if not cursor:
        return None
    try:
        when, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(when)
        if moment.utcoffset() is None or not isinstance(key, str):
            raise ValueError("not a cursor of ours")
        if not 0 < len(key) <= MAX_KEY or "\x00" in key:
            raise ValueError("not a key of ours")
        # Year 1 or 9999 with an offset leaves the datetime range once in UTC (OverflowError).
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput("cursor is not valid") from exc
    return moment, key
