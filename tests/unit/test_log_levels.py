"""Log levels (mesh/logs.py): DEBUG shows the application's detail, not every SQLite statement and
gRPC loop hand-off; a terminal is spared the start-up detail that JSON logs keep."""

import logging

import pytest

from mesh.logs import configure_logging

NAMES = ("", "aiosqlite", "grpc", "alembic", "mesh.grpc_server", "wastecoach.commands")


@pytest.fixture
def restored():
    root = logging.getLogger()
    saved = (root.handlers[:], {name: logging.getLogger(name).level for name in NAMES})
    yield
    root.handlers[:] = saved[0]
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def _level(name: str) -> int:
    return logging.getLogger(name).getEffectiveLevel()


def test_debug_is_the_applications_not_the_libraries(restored):
    configure_logging("probe", "DEBUG", as_json=True)
    assert _level("wastecoach.commands") == _level("mesh.grpc_server") == logging.DEBUG
    assert _level("aiosqlite") == _level("grpc") == logging.WARNING


def test_a_terminal_gets_no_start_up_detail(restored):
    configure_logging("probe", "INFO", as_json=False)
    assert _level("mesh.grpc_server") == _level("alembic") == logging.WARNING
    assert _level("wastecoach.commands") == logging.INFO
