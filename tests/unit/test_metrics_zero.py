"""Error and scan counters exist at zero from the start: a healthy system's panels read 0, not "no data"."""

import re

from prometheus_client import REGISTRY
from prometheus_client.openmetrics.exposition import generate_latest

from mesh import metrics
from tests.conftest import REPO

SOURCES = ("mesh", "edge", "consumers", "wastecoach", "vision", "svc_auth", "svc_users", "svc_waste")
SOURCES += ("svc_coach", "svc_locations")


def test_every_error_kind_counted_in_the_code_is_initialised():
    counted = set()
    for folder in SOURCES:
        for path in (REPO / folder).rglob("*.py"):
            counted |= set(re.findall(r"ERRORS\.labels\(\s*\"([a-z_]+)\"", path.read_text()))
    assert counted, "no ERRORS.labels(...) found: the pattern no longer matches the code"
    assert counted <= set(metrics.ERROR_KINDS), counted - set(metrics.ERROR_KINDS)


def test_initialise_exposes_zero_series():
    metrics.initialise()
    body = generate_latest(REGISTRY).decode()
    for kind in metrics.ERROR_KINDS:
        assert re.search(rf'^wastecoach_errors_total\{{kind="{kind}"\}} \d', body, re.M), kind
    for status in metrics.SCAN_STATUSES:
        assert re.search(rf'^wastecoach_scans_total\{{status="{status}"\}} \d', body, re.M), status
