"""`wastecoach locations import` as the project CLI will call it."""

from __future__ import annotations

from pathlib import Path

import pytest

from svc_locations.cli import main


def test_import_real_data_into_a_fresh_database(tmp_path: Path, data_folder: Path, capsys) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["import", str(data_folder / "clothing_bins"), "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "total: 2895 imported, 0 rejected" in out


def test_dry_run_reports_rejections(data_folder: Path, capsys) -> None:
    assert main(["import", "--dry-run", str(data_folder / "keco_recycle_compensation_sites.csv")]) == 0
    out = capsys.readouterr().out
    assert "409 read, 395 imported" in out and "9 missing coordinates" in out


def test_bad_path_fails(tmp_path: Path, capsys) -> None:
    assert main(["import", "--dry-run", str(tmp_path / "nope")]) == 1
    assert "import failed" in capsys.readouterr().err


def test_unknown_command() -> None:
    with pytest.raises(SystemExit):
        main(["export"])
