"""The importer on the real public-data exports in ../shared/locations, and on small edge-case files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from svc_locations import importer, synonyms
from svc_locations.domain import CATEGORIES, in_korea
from svc_locations.seed import import_paths

# file → (rows read, rows imported); README: 3,655 points, 9 KECO rows without coordinates.
EXPECTED = {
    "changwon.csv": (1164, 1164),
    "eunpyeong.csv": (832, 832),
    "junggu.csv": (184, 184),
    "mapo.csv": (418, 418),
    "nowon.csv": (297, 297),
    "keco_recycle_compensation_sites.csv": (409, 395),
    "zero_waste_shops.csv": (351, 351),
}


@pytest.fixture(scope="module")
def parsed(data_folder: Path) -> dict[str, importer.ParsedFile]:
    return {f.name: importer.parse_file(f) for f in importer.discover(data_folder)}


def test_counts_per_file(parsed: dict[str, importer.ParsedFile]) -> None:
    assert {name: (p.report.read, p.report.imported) for name, p in parsed.items()} == EXPECTED
    assert sum(p.report.read for p in parsed.values()) == 3655


def test_keco_rejections_are_counted_by_reason(parsed: dict[str, importer.ParsedFile]) -> None:
    report = parsed["keco_recycle_compensation_sites.csv"].report
    assert report.rejected == {
        "missing coordinates": 9,
        # `37.45255496043788?` and `127.7.23106`
        "coordinate is not a number": 2,
        # lat 5.157…, 4.596…, 27.127…: typos, rejected rather than guessed
        "coordinates outside South Korea (lat 33–39, lon 124–132)": 3,
    }
    assert report.rejected_total + report.imported == report.read


def test_every_row_has_source_licence_and_a_unique_stable_id(parsed: dict[str, importer.ParsedFile]) -> None:
    ids = [place.id for p in parsed.values() for place in p.places]
    assert len(ids) == len(set(ids)) == 3641
    for p in parsed.values():
        for place in p.places:
            assert place.source and place.licence and place.id.startswith(place.source + ":")
            assert in_korea(place.lat, place.lon)
            assert set(place.accepts) <= set(CATEGORIES)
            assert place.updated_at.tzinfo is not None
    keco = parsed["keco_recycle_compensation_sites.csv"].places[0]
    assert keco.source == "keco" and keco.licence == "MIT (eco2-team/backend); KECO open data"
    assert parsed["mapo.csv"].places[0].licence.startswith("MIT (losey-kim/yogiissugeo)")


def test_ids_are_stable_across_runs(data_folder: Path) -> None:
    first = [p.id for p in importer.parse_file(data_folder / "clothing_bins" / "eunpyeong.csv").places]
    second = [p.id for p in importer.parse_file(data_folder / "clothing_bins" / "eunpyeong.csv").places]
    assert first == second
    # Eunpyeong has no key column: ids are content hashes, repeats numbered.
    assert all(i.startswith("clothing_bins/eunpyeong:") for i in first)


def test_columns_are_found_by_header_not_position(parsed: dict[str, importer.ParsedFile]) -> None:
    # Eunpyeong lists 경도 before 위도; a positional reader would swap them.
    first = parsed["eunpyeong.csv"].places[0]
    assert (first.lat, first.lon) == (37.60236221, 126.9216765)
    assert first.address == "서울특별시 은평구 은평로9길 23"
    junggu = parsed["junggu.csv"].places[0]
    assert junggu.address == "서울특별시 중구 퇴계로6길 14 (건물 앞 도로변)"
    assert junggu.name == "의류수거함 (회현동)"
    nowon = parsed["nowon.csv"].places[0]
    assert nowon.address == "서울특별시 노원구 월계동 37-11"
    assert all(p.kind == "clothing_bin" and p.accepts == ("textiles",) for p in parsed["changwon.csv"].places)


def test_excel_serial_dates(parsed: dict[str, importer.ParsedFile]) -> None:
    mapo = parsed["mapo.csv"].places[0]
    assert mapo.id == "clothing_bins/mapo:1"
    # Excel's 1900 system: 44911 = 2022-12-16 (the README's 2022-12-15 is one day off), midnight in Seoul.
    assert mapo.updated_at == datetime(2022, 12, 15, 15, 0, tzinfo=UTC)
    assert importer.excel_or_iso_date("44911.0") == importer.excel_or_iso_date("2022-12-16")
    assert importer.excel_or_iso_date("45000") == importer.excel_or_iso_date("2023-03-15")
    assert importer.excel_or_iso_date("1") == importer.excel_or_iso_date("1900-01-01")
    assert importer.excel_or_iso_date("61") == importer.excel_or_iso_date("1900-03-01")


def test_keco_items_and_hours(parsed: dict[str, importer.ParsedFile]) -> None:
    first = parsed["keco_recycle_compensation_sites.csv"].places[0]
    assert first.name == "고양동 종합복지회관"
    assert first.kind == "recycling_station"
    assert first.accepts == ("clear_pet", "plastic", "paper", "can_metal")
    assert first.accepts_raw.startswith("투명페트병\n유색페트병")
    assert first.opening_hours == "월 휴무; 화 11:00 ~ 14:00; 수–일 휴무; 공휴일 휴무"


def test_every_keco_spelling_is_mapped(parsed: dict[str, importer.ParsedFile]) -> None:
    report = parsed["keco_recycle_compensation_sites.csv"].report
    assert not report.unmapped_items
    spellings = {
        t
        for p in parsed["keco_recycle_compensation_sites.csv"].places
        for t in synonyms.split_items(p.accepts_raw)
    }
    assert len(spellings) >= 80
    assert all(synonyms.map_items(s)[0] for s in spellings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("투명페트명", ("clear_pet",)),
        ("투명패트병\n캔", ("clear_pet", "can_metal")),
        ("무색페트병(투명페트병)", ("clear_pet",)),
        ("투명pet", ("clear_pet",)),
        ("유색 PET\nPP(햇반용기)", ("plastic",)),
        ("(캔류((음료))\n알루미늄 캔", ("can_metal",)),
        ("종이팩(멸균,살균)", ("paper_pack",)),
        ("투명, 갈색,녹색병", ("glass",)),
        ("(중고의류)\n외류 외(가방, 신발)", ("textiles",)),
        ("(폐건전지 교환) 폐건전지 20개<->새건전지 2개", ("battery",)),
        ("PE비닐\n서적 및 신문지류", ("vinyl", "paper")),
    ],
)
def test_synonyms(text: str, expected: tuple[str, ...]) -> None:
    assert synonyms.map_items(text) == (expected, [])


def test_unknown_spelling_is_reported_not_guessed() -> None:
    assert synonyms.map_items("캔\n커피박") == (("can_metal",), ["커피박"])


def test_zero_waste_shops(parsed: dict[str, importer.ParsedFile]) -> None:
    shops = parsed["zero_waste_shops.csv"].places
    assert all(s.kind == "zero_waste_shop" and s.accepts for s in shops)
    assert shops[0].id == "zero_waste_shops:1317010384" and shops[0].name == "프릿지"


def test_bad_rows_in_a_small_file(tmp_path: Path) -> None:
    folder = tmp_path / "clothing_bins"
    folder.mkdir()
    path = folder / "sample.csv"
    path.write_text(
        "연번,위치,경도,위도,\n1,a,127.0,37.5,\n2,b,,37.5,\n3,c,127.0,91,\n4,d,east,37.5,\n5.0,e,126.9,37.6,\n",
        encoding="utf-8",
    )
    parsed = importer.parse_file(path)
    assert [p.id for p in parsed.places] == ["clothing_bins/sample:1", "clothing_bins/sample:5"]
    assert parsed.report.rejected_total == 3


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(importer.ImportFormatError):
        importer.parse_file(path)


async def test_import_is_idempotent(sqlite_repo, data_folder: Path) -> None:
    reports = await import_paths(sqlite_repo, [data_folder])
    assert sum(r.imported for r in reports) == 3641
    before = await sqlite_repo.count_by_source()
    await import_paths(sqlite_repo, [data_folder])
    assert await sqlite_repo.count_by_source() == before
    assert before["keco"] == 395 and before["clothing_bins/changwon"] == 1164
