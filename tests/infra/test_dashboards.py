"""Every dashboard query reads series that exist: the metric names and labels scraped from a running
`wastecoach up` (every component in one process) after one scan, plus the labels Prometheus adds to a
scraped pod and the two series that come from elsewhere (`up`, RabbitMQ's plugin)."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from tests.conftest import DATASETS
from tests.support import start_up

from .conftest import CHART, render
from .promql import problems

# Labels the Prometheus Operator puts on every series of a PodMonitor target (the relabelings of the
# chart's PodMonitor are added from the rendered manifest).
OPERATOR_TARGET_LABELS = {"namespace", "pod", "container", "endpoint", "job", "instance"}
# Series not exposed by our processes: Prometheus' own `up`, and RabbitMQ's prometheus plugin with
# per-object metrics (its labels `queue`, `vhost`); the queue names are the broker's.
EXTERNAL = {
    "up": {},
    "rabbitmq_queue_messages_ready": {
        "queue": {"q.ai", "q.api", "q.sched", "q.batch", "q.dlq"},
        "vhost": set(),
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scan_and_scrape(tmp: Path) -> str:
    metrics_port = _free_port()
    proc, url = start_up(tmp / "data", WASTECOACH_METRICS_PORT=str(metrics_port))
    try:
        photo = sorted((DATASETS / "trashnet" / "plastic").glob("*.jpg"))[0]
        with httpx.Client(base_url=url, timeout=30) as http:
            token = http.post("/api/v1/auth/dev/login", json={"nickname": "dashboards"}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            created = http.post(
                "/api/v1/scans",
                headers=headers,
                files={"image": (photo.name, photo.read_bytes(), "image/jpeg")},
            )
            assert created.status_code == 202, created.text
            deadline = time.monotonic() + 60
            while http.get(created.json()["status_url"], headers=headers).json()["status"] not in (
                "done",
                "failed",
            ):
                assert time.monotonic() < deadline, "scan did not finish"
                time.sleep(0.1)
        return httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, set[str]]]:
    """metric name -> label -> values, as a Prometheus scraping the chart's pods would store them."""
    exposed: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for family in text_string_to_metric_families(_scan_and_scrape(tmp_path_factory.mktemp("up"))):
        for sample in family.samples:
            exposed[sample.name]  # a labelless sample still names a series
            for label, value in sample.labels.items():
                exposed[sample.name][label].add(value)
    (pm,) = render("--set", "metrics.podMonitor.enabled=true").kind("PodMonitor")
    target = OPERATOR_TARGET_LABELS | {
        r["targetLabel"] for e in pm["spec"]["podMetricsEndpoints"] for r in e.get("relabelings", [])
    }
    out: dict[str, dict[str, set[str]]] = {}
    for name, labels in [*exposed.items(), *EXTERNAL.items()]:
        out[name] = {**{t: set() for t in target}, **{k: set(v) for k, v in labels.items()}}
    return out


def _dashboards() -> list[tuple[str, dict[str, Any]]]:
    return [(p.name, json.loads(p.read_text())) for p in sorted((CHART / "dashboards").glob("*.json"))]


def _prometheus_targets(dash: dict[str, Any]):
    for panel in dash["panels"]:
        for p in [panel, *panel.get("panels", [])]:
            for t in p.get("targets", []):
                if t.get("datasource", {}).get("type") == "prometheus" or "expr" in t:
                    yield p["title"], t


def test_every_dashboard_query_reads_existing_metrics_and_labels(series) -> None:
    wastecoach = {n for n in series if n.startswith("wastecoach_")}
    assert {
        "wastecoach_errors_total",
        "wastecoach_scans_total",
        "wastecoach_vision_seconds_bucket",
    } <= wastecoach
    found = []
    checked = 0
    for name, dash in _dashboards():
        for title, target in _prometheus_targets(dash):
            for issue in problems(target["expr"], series, target.get("legendFormat", "")):
                found.append(f"{name} / {title}: {issue}")
            checked += 1
        for var in dash.get("templating", {}).get("list", []):
            m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", var.get("definition", ""))
            if m and m[2] not in series.get(m[1], {}):
                found.append(f"{name} / ${var['name']}: no {m[1]} with label {m[2]}")
    assert checked >= 20
    assert not found, "\n".join(found)


def test_error_and_failed_scan_series_exist_before_any_error(series) -> None:
    """A healthy system's error panels read 0, not "no data"."""
    assert {"cache", "events", "job", "ratelimit", "upstream"} <= series["wastecoach_errors_total"]["kind"]
    assert "failed" in series["wastecoach_scans_total"]["status"]


def test_the_checker_finds_what_does_not_exist(series) -> None:
    assert problems("sum(rate(wastecoach_nope_total[5m]))", series) == [
        "no series named wastecoach_nope_total"
    ]
    assert problems('sum(wastecoach_queue_depth{stage="x"})', series) == [
        "wastecoach_queue_depth has no label stage"
    ]
    assert problems("sum by (provider) (rate(wastecoach_errors_total[5m]))", series)
    assert problems('wastecoach_scans_total{status="lost"}', series)
    assert problems("sum(rate(wastecoach_errors_total[5m]))", series, legend="{{kind}}")
    assert not problems("sum by (kind) (rate(wastecoach_errors_total[5m]))", series, legend="{{kind}}")
