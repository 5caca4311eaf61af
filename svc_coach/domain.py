"""Request rules for CoachService: languages, region codes, page sizes, and what a hint implies."""

from __future__ import annotations

import re
from collections.abc import Collection

from mesh.errors import InvalidInput

LANGUAGES = ("ko", "en")
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_QUERY = 200
_REGION = re.compile(r"^\d{5}$")


def clean_language(value: str) -> str:
    """Empty means Korean; a locale such as 'en-US' counts as its language."""
    language = value.strip().lower().split("-")[0].split("_")[0] or "ko"
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    return language


def clean_region(value: str) -> str:
    # 시군구 codes are five digits (e.g. 11440 = Seoul Mapo-gu); empty means no regional rules.
    value = value.strip()
    if value and not _REGION.match(value):
        raise InvalidInput("region_code must be a five-digit 시군구 code")
    return value


def clean_probs(probs: dict[str, float], known: Collection[str]) -> dict[str, float]:
    """A photo distribution: known category codes only, each probability within [0, 1]."""
    unknown = sorted(set(probs) - set(known))
    if unknown:
        raise InvalidInput(f"unknown category code(s) in category_probs: {', '.join(unknown[:5])}")
    if any(not 0.0 <= p <= 1.0 for p in probs.values()):
        raise InvalidInput("category_probs must lie between 0 and 1")
    return {code: p for code, p in probs.items() if p > 0.0}


def clean_limit(limit: int) -> int:
    if limit < 0:
        raise InvalidInput("limit must not be negative")
    return min(limit or DEFAULT_LIMIT, MAX_LIMIT)


def clean_query(value: str, name: str = "query") -> str:
    query = " ".join(value.split())
    if not query:
        raise InvalidInput(f"{name} must not be empty")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"{name} must be at most {MAX_QUERY} characters")
    return query
