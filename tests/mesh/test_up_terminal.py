"""`wastecoach up` speaks to a person on a terminal and to a log shipper elsewhere."""

import io
import json
import logging
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from mesh.logs import ReadableFormatter, wants_json
from svc_locations.importer import ImportReport
from svc_locations.seed import summary
from tests.conftest import SHARED


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_where_no_person_reads():
    assert wants_json(None, production=False, stream=_Tty()) is False
    assert wants_json(None, production=True, stream=_Tty()) is True
    assert wants_json(None, production=False, stream=io.StringIO()) is True
    assert wants_json(False, production=True, stream=io.StringIO()) is False


def test_readable_line():
    record = logging.LogRecord("svc_locations.seed", logging.INFO, "", 0, "imported %d", (3,), None)
    record.points = 3
    line = ReadableFormatter().format(record)
    assert "INFO" in line and "locations.seed" in line and line.endswith("imported 3  points=3")
    assert not line.startswith("{")


def test_rejected_rows_are_one_line():
    first = ImportReport("a.csv", "keco", "keco", read=10, imported=7)
    first.rejected.update({"missing coordinates": 2, "coordinate is not a number": 1})
    second = ImportReport("b.csv", "x", "x", read=5, imported=4)
    second.rejected.update({"missing coordinates": 1})
    assert summary([first, second]) == (
        "open data imported: 11 points from 2 files; 4 rows rejected "
        "(3 missing coordinates, 1 coordinate is not a number)"
    )
    assert summary([ImportReport("c.csv", "x", "x", read=1, imported=1)]) == (
        "open data imported: 1 points from 1 files"
    )


def _read_until(fd: int, done, limit_s: float) -> str:
    text, deadline = "", time.monotonic() + limit_s
    while time.monotonic() < deadline and not done(text):
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed
                break
            text += chunk.decode(errors="replace")
    return text


@pytest.mark.skipif(not (SHARED / "locations").is_dir(), reason="needs ../shared/locations")
def test_up_on_a_terminal(tmp_path):
    """stdout and stderr on a pseudo-terminal, as `make up` in a shell has them."""
    env = {k: v for k, v in os.environ.items() if k not in ("WASTECOACH_LOG_JSON", "WASTECOACH_ENV")}
    env["WASTECOACH_DATA_DIR"] = str(tmp_path / "data")
    main, child = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "up", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        env=env,
    )
    os.close(child)
    try:
        text = _read_until(main, lambda t: "is up: http" in t, 120)
        # The scheduled refresh re-imports the open data right after start: its summary too.
        text += _read_until(main, lambda t: t.count("open data imported") >= 1, 10)
    finally:
        proc.send_signal(signal.SIGTERM)
        text += _read_until(main, lambda t: False, 3)
        proc.wait(timeout=30)
        os.close(main)
    lines = [line.strip() for line in text.replace("\r", "").splitlines() if line.strip()]
    url_lines = [line for line in lines if "is up: http://127.0.0.1:" in line]
    assert len(url_lines) == 1 and "open it in a browser" in url_lines[0], lines
    for line in lines:
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)
    assert not [line for line in lines if "alembic" in line or "Running upgrade" in line], lines
    rejected = [line for line in lines if "rejected" in line]
    assert rejected and all("open data imported" in line for line in rejected), rejected
