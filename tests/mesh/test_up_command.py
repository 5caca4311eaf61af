"""`wastecoach up --port 0` as a user runs it: prints its URL, serves, stops cleanly on SIGTERM."""

import signal
import subprocess

import httpx
import pytest

from tests.support import start_up


def test_up_serves_and_stops(tmp_path):
    proc, url = start_up(tmp_path / "data")
    try:
        assert httpx.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
        assert (tmp_path / "data" / "waste.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("`wastecoach up` was still running 30 s after SIGTERM")
    assert code == 0  # a clean stop, not a crash on the way out
