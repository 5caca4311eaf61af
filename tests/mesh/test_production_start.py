"""WASTECOACH_ENV=production never starts on the embedded backends: a missing URL stops the process."""

import os
import subprocess
import sys

import pytest

URLS = {
    "WASTECOACH_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/unused",
    "WASTECOACH_REDIS_URL": "redis://127.0.0.1:6379/0",
    "WASTECOACH_RABBIT_URL": "amqp://guest:guest@127.0.0.1:5672/",
    # Without it each process would sign identities with a key of its own.
    "WASTECOACH_INTERNAL_KEY": "k" * 32,
}
# Each way a process starts: the CLI (serve, consume, up).
COMMANDS = {
    "serve auth": ["-m", "wastecoach", "serve", "auth"],
    "serve edge": ["-m", "wastecoach", "serve", "edge"],
    "consume q.ai": ["-m", "wastecoach", "consume", "q.ai"],
    "up": ["-m", "wastecoach", "up", "--port", "0"],
}


def _start(args: list[str], data_dir, **urls: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in URLS}
    env.update(
        WASTECOACH_ENV="production",
        WASTECOACH_DATA_DIR=str(data_dir),
        WASTECOACH_GRPC_PORT="0",
        WASTECOACH_HTTP_PORT="0",
        **urls,
    )
    try:
        # A process that starts serving instead of refusing runs until this bound kills it.
        return subprocess.run(
            [sys.executable, *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`{' '.join(args)}` started in production without {sorted(set(URLS) - set(urls))}")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_production_refuses_to_start_without_backend_urls(command, tmp_path):
    proc = _start(COMMANDS[command], tmp_path / "data")
    assert proc.returncode != 0
    assert "WASTECOACH_ENV=production needs" in proc.stderr, proc.stderr[-2000:]
    for variable in URLS:
        assert variable in proc.stderr
    assert not list(tmp_path.glob("data/*.sqlite3")), "fell back to SQLite"


@pytest.mark.parametrize("missing", sorted(URLS))
def test_each_backend_url_is_required_and_empty_counts_as_missing(missing, tmp_path):
    urls = {**URLS, missing: ""}
    proc = _start(COMMANDS["serve auth"], tmp_path / "data", **urls)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last == f"WASTECOACH_ENV=production needs {missing}; not starting"
