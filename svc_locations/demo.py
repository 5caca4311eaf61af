"""A tiny, clearly labelled demo set for development when no open-data folder is present.

Never loaded in production (seed.py checks); the names say DEMO so nobody mistakes them for data.
"""

from __future__ import annotations

from datetime import UTC, datetime

from svc_locations.domain import DropOff

DEMO_LICENCE = "demo data, not a real drop-off point"
_WHEN = datetime(2025, 1, 1, tzinfo=UTC)

# (key, name, lat, lon, accepts) around Seoul City Hall.
_POINTS = (
    ("cityhall", "[DEMO] 시청 재활용", 37.5663, 126.9779, ("paper", "plastic", "clear_pet", "can_metal")),
    ("euljiro", "[DEMO] 을지로 의류수거함", 37.5660, 126.9910, ("textiles",)),
    ("myeongdong", "[DEMO] 명동 폐건전지·형광등 수거함", 37.5636, 126.9827, ("battery", "lamp")),
    ("jongno", "[DEMO] 종로 폐의약품 수거함", 37.5704, 126.9921, ("medicine",)),
    ("seosomun", "[DEMO] 서소문 제로웨이스트 상점", 37.5630, 126.9730, ("paper_pack",)),
)


def demo_places() -> list[DropOff]:
    return [
        DropOff(
            id=f"demo:{key}",
            name=name,
            kind="demo",
            lat=lat,
            lon=lon,
            accepts=accepts,
            address="서울특별시 중구 (demo)",
            opening_hours="",
            source="demo",
            licence=DEMO_LICENCE,
            accepts_raw="",
            updated_at=_WHEN,
        )
        for key, name, lat, lon, accepts in _POINTS
    ]
