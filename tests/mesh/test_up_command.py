"""`wastecoach up --port 0` as a user runs it: prints its URL, serves, stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys

import httpx
import pytest


def test_up_serves_and_stops(tmp_path):
    env = {**os.environ, "WASTECOACH_DATA_DIR": str(tmp_path / "data"), "WASTECOACH_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wastecoach", "up", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split("up: ", 1)[1].split()[0]
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
