"""Public-data CSV exports → drop-off points (formats and mappings: IMPORT_FORMATS.md).

Columns are found by header synonyms, never by position: the five municipal clothing-bin files
order and name them differently. A row without usable coordinates is rejected with a reason that
is counted in the report and logged, never guessed.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from svc_locations import domain, synonyms
from svc_locations.domain import DropOff

log = logging.getLogger(__name__)

KST = ZoneInfo("Asia/Seoul")
# Excel's 1900 date system: serial 1 = 1900-01-01, and it counts a non-existent 1900-02-29 (serial 60),
# so from serial 61 on, day = 1899-12-30 + serial (45000 = 2023-03-15; 44911 = 2022-12-16; the data
# README says 2022-12-15, one day off Excel's own reading).
_EXCEL_EPOCH = date(1899, 12, 30)

# Field → header spellings, in order of preference (the first present header wins).
HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("positnSn", "kakao_place_key", "관리번호", "연번", "id"),
    "name": ("positnNm", "name", "설치장소명", "명칭"),
    "lat": ("positnPstnLat", "위도", "lat", "latitude", "y"),
    "lon": ("positnPstnLot", "경도", "lon", "lng", "longitude", "x"),
    "address": (
        "positnRdnmAddr",
        "소재지도로명주소",
        "도로명주소",
        "설치장소",
        "위치",
        "address",
        "소재지지번주소",
        "positnLotnoAddr",
    ),
    "detail": ("positnPstnAddExpln", "상세위치"),
    "district": ("행정동", "동", "positnRgnNm"),
    "phone": ("rprsTelnoCn", "bscTelnoCn", "전화번호", "관리기관전화번호"),
    "url": ("lnkgHmpgUrlAddr",),
    "items": ("clctItemCn",),
    "memo": ("memo",),
    "date": ("데이터기준일자", "created_at"),
}
# KECO opening hours: one free-text column per weekday, then public holidays.
KECO_HOURS = (
    ("월", "monSalsHrExplnCn"),
    ("화", "tuesSalsHrExplnCn"),
    ("수", "wedSalsHrExplnCn"),
    ("목", "thurSalsHrExplnCn"),
    ("금", "friSalsHrExplnCn"),
    ("토", "satSalsHrExplnCn"),
    ("일", "sunSalsHrExplnCn"),
    ("공휴일", "lhldySalsHrExplnCn"),
)
MUNICIPALITIES = {
    "changwon": "경상남도 창원시",
    "eunpyeong": "서울특별시 은평구",
    "junggu": "서울특별시 중구",
    "mapo": "서울특별시 마포구",
    "nowon": "서울특별시 노원구",
}
KECO_LICENCE = "MIT (eco2-team/backend); KECO open data"
ZERO_WASTE_LICENCE = "MIT (eco2-team/backend); public Kakao Map favourites folder"
CLOTHING_LICENCE = "MIT (losey-kim/yogiissugeo); {place} public open data"
# A zero-waste shop lists no items; 종이팩 take-back is the one service they commonly share.
ZERO_WASTE_DEFAULT = ("paper_pack",)


class ImportFormatError(ValueError):
    """The file as a whole cannot be read as any known layout."""


@dataclass
class ImportReport:
    path: str
    source: str
    layout: str
    read: int = 0
    imported: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unmapped_items: Counter[str] = field(default_factory=Counter)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


@dataclass
class ParsedFile:
    report: ImportReport
    places: list[DropOff]


def _norm(header: str) -> str:
    return header.strip().lstrip("\ufeff").lower()


def find_columns(headers: list[str]) -> dict[str, str]:
    """Field → the header that holds it in this file."""
    present = {_norm(h): h for h in headers if h.strip()}
    columns: dict[str, str] = {}
    for fieldname, spellings in HEADERS.items():
        for spelling in spellings:
            if _norm(spelling) in present:
                columns[fieldname] = present[_norm(spelling)]
                break
    return columns


def detect_layout(path: Path, columns: dict[str, str]) -> str:
    if "lat" not in columns or "lon" not in columns:
        raise ImportFormatError(f"{path.name}: no latitude/longitude columns (looked for 위도/경도/lat/lon)")
    if "items" in columns:
        return "keco"
    if columns.get("key") == "kakao_place_key" or path.stem == "zero_waste_shops":
        return "zero_waste"
    if path.parent.name == "clothing_bins" or "clothing" in path.stem or "의류" in path.stem:
        return "clothing_bin"
    raise ImportFormatError(f"{path.name}: unknown layout (headers: {', '.join(columns.values())})")


def excel_or_iso_date(value: str) -> datetime | None:
    """`2024-11-26`, `2024-09-11 8:54:39` (KST) or an Excel serial day such as `44911.0`."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        serial = float(value)
    except ValueError:
        pass
    else:
        if not math.isfinite(serial) or not 1 <= serial < 100_000:
            return None
        days = int(serial) if serial >= 61 else int(serial) + 1
        day = _EXCEL_EPOCH + timedelta(days=days)
        return datetime(day.year, day.month, day.day, tzinfo=KST).astimezone(UTC)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=KST).astimezone(UTC)
        except ValueError:
            continue
    return None


def coordinates(row: dict[str, str], columns: dict[str, str]) -> tuple[float, float] | str:
    """(lat, lon), or the reason the row is rejected."""
    raw_lat, raw_lon = (row.get(columns["lat"]) or "").strip(), (row.get(columns["lon"]) or "").strip()
    if not raw_lat or not raw_lon:
        return "missing coordinates"
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        return "coordinate is not a number"
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "coordinate is not a number"
    if not domain.in_korea(lat, lon):
        return "coordinates outside South Korea (lat 33–39, lon 124–132)"
    return lat, lon


def _key(value: str) -> str:
    # Spreadsheet exports write row numbers as floats (`1.0`).
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else value


def keco_hours(row: dict[str, str]) -> str:
    """Runs of equal days joined: `월–금 09:00~18:00; 토–일 휴무; 공휴일 휴무`."""
    days = [(label, " ".join((row.get(column) or "").split())) for label, column in KECO_HOURS]
    parts: list[str] = []
    start = 0
    for i in range(1, len(days) + 1):
        # 공휴일 is never merged into a weekday run.
        holiday = "공휴일" in (days[start][0], days[i][0] if i < len(days) else "")
        if i < len(days) and days[i][1] == days[start][1] and not holiday:
            continue
        label = days[start][0] if i - 1 == start else f"{days[start][0]}–{days[i - 1][0]}"
        if days[start][1]:
            parts.append(f"{label} {days[start][1]}")
        start = i
    return "; ".join(parts)


class _Keys:
    """Stable row keys: the file's own key column, else a hash of what identifies the point."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def make(self, row: dict[str, str], columns: dict[str, str], address: str, lat: float, lon: float) -> str:
        own = _key(row.get(columns["key"], "")) if "key" in columns else ""
        base = own or hashlib.sha1(f"{address}|{lat:.7f}|{lon:.7f}".encode()).hexdigest()[:16]
        self.seen[base] += 1
        # Two bins at one address and point are two bins; the repeat count keeps them apart.
        return base if self.seen[base] == 1 else f"{base}#{self.seen[base]}"


def _field(row: dict[str, str], columns: dict[str, str], name: str) -> str:
    return " ".join((row.get(columns[name]) or "").split()) if name in columns else ""


def parse_file(path: Path, fallback_time: datetime | None = None) -> ParsedFile:
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = find_columns(list(reader.fieldnames or []))
        layout = detect_layout(path, columns)
        rows = list(reader)
    when = fallback_time or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    source = {"keco": "keco", "zero_waste": "zero_waste_shops"}.get(layout, f"clothing_bins/{path.stem}")
    report = ImportReport(str(path), source, layout, read=len(rows))
    keys = _Keys()
    places: list[DropOff] = []
    for number, row in enumerate(rows, start=1):
        point = coordinates(row, columns)
        if isinstance(point, str):
            report.rejected[point] += 1
            # Each row at debug level: the import's one summary line counts them by reason (seed.py).
            log.debug("%s row %d rejected: %s", path.name, number, point, extra={"reason": point})
            continue
        lat, lon = point
        place = _build(layout, path, row, columns, lat, lon, when, keys, report)
        places.append(place)
    report.imported = len(places)
    log.debug(
        "%s: %d read, %d imported, %d rejected",
        path.name,
        report.read,
        report.imported,
        report.rejected_total,
        extra={"rejected": dict(report.rejected)},
    )
    return ParsedFile(report, places)


def _build(
    layout: str,
    path: Path,
    row: dict[str, str],
    columns: dict[str, str],
    lat: float,
    lon: float,
    when: datetime,
    keys: _Keys,
    report: ImportReport,
) -> DropOff:
    address = _field(row, columns, "address")
    detail = _field(row, columns, "detail")
    updated = excel_or_iso_date(_field(row, columns, "date")) or when
    key = keys.make(row, columns, address, lat, lon)
    common = {
        "id": f"{report.source}:{key}",
        "lat": lat,
        "lon": lon,
        "source": report.source,
        "updated_at": updated,
        "phone": _field(row, columns, "phone"),
        "url": _field(row, columns, "url"),
    }
    if layout == "keco":
        raw = (row.get(columns["items"]) or "").strip()
        accepts, unknown = synonyms.map_items(raw)
        report.unmapped_items.update(unknown)
        return DropOff(
            name=_field(row, columns, "name") or "자원순환가게",
            kind="recycling_station",
            accepts=accepts,
            address=f"{address} ({detail})" if detail else address,
            opening_hours=keco_hours(row),
            licence=KECO_LICENCE,
            accepts_raw=raw,
            **common,
        )
    if layout == "zero_waste":
        memo = _field(row, columns, "memo")
        return DropOff(
            name=_field(row, columns, "name") or "제로웨이스트 상점",
            kind="zero_waste_shop",
            accepts=synonyms.map_memo(memo) or ZERO_WASTE_DEFAULT,
            address=address,
            opening_hours="",
            licence=ZERO_WASTE_LICENCE,
            accepts_raw=memo,
            **common,
        )
    place = MUNICIPALITIES.get(path.stem, path.stem)
    district = _field(row, columns, "district") or _field(row, columns, "name") or place.split()[-1]
    if address and not address.startswith(place.split()[0]) and place in MUNICIPALITIES.values():
        # Nowon's 위치 column is `월계동 37-11`: the municipality makes it a findable address.
        address = f"{place} {address}"
    return DropOff(
        name=f"의류수거함 ({district})",
        kind="clothing_bin",
        accepts=("textiles",),
        address=f"{address} ({detail})" if detail else address,
        opening_hours="상시",
        licence=CLOTHING_LICENCE.format(place=place),
        accepts_raw="의류",
        **common,
    )


def discover(path: Path) -> list[Path]:
    """A file, or every CSV under a folder (sorted, so ids and reports come out in one order)."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or folder: {path}")
    return sorted(p for p in path.rglob("*.csv") if p.is_file())
