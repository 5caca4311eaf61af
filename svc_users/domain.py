"""Pure rules for profiles, history pages and stats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mesh.errors import InvalidInput

LANGUAGES = ("ko", "en")
# Points reward the habit, not volume: a scan counts, a day on the streak counts more.
POINTS_PER_SCAN = 10
POINTS_PER_STREAK_DAY = 5
_REGION = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Profile:
    user_id: str
    nickname: str
    language: str
    region_code: str
    created_at: datetime


def shown_name(english: str, korean: str, language: str) -> str:
    """The item's name as the scan showed it: in the language it was asked in (Korean unless "en")."""
    return english if language == "en" or not korean else korean


@dataclass(frozen=True)
class HistoryEntry:
    scan_id: str
    user_id: str
    category_code: str
    item: str
    confidence: float
    scanned_at: datetime


@dataclass(frozen=True)
class Stats:
    total_scans: int
    by_category: dict[str, int]
    streak_days: int
    points: int


def clean_nickname(value: str) -> str:
    nickname = " ".join(value.split())
    if not 1 <= len(nickname) <= 32:
        raise InvalidInput("nickname must be 1 to 32 characters")
    if any(not ch.isprintable() for ch in nickname):
        raise InvalidInput("nickname must not contain control characters")
    return nickname


def clean_language(value: str) -> str:
    if value not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    return value


def clean_region(value: str) -> str:
    # 시군구 codes are five digits (e.g. 11440 = Seoul Mapo-gu); empty clears the region.
    if value and not _REGION.match(value):
        raise InvalidInput("region_code must be a five-digit 시군구 code")
    return value


def streak_days(scan_days: set[date], today: date) -> int:
    """Consecutive days with a scan, ending today (or yesterday, so a streak survives until tonight)."""
    day = today if today in scan_days else today - timedelta(days=1)
    streak = 0
    while day in scan_days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def compute_stats(times: list[datetime], categories: dict[str, int], now: datetime, zone: str) -> Stats:
    try:
        tz = ZoneInfo(zone or "Asia/Seoul")
    except (KeyError, ValueError) as exc:
        raise InvalidInput("time_zone is not a known IANA zone") from exc
    days = {t.astimezone(tz).date() for t in times}
    streak = streak_days(days, now.astimezone(tz).date())
    total = sum(categories.values())
    return Stats(
        total,
        dict(sorted(categories.items())),
        streak,
        total * POINTS_PER_SCAN + streak * POINTS_PER_STREAK_DAY,
    )
