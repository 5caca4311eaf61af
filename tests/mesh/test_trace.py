"""One trace per scan: edge → gRPC → publish → consume → SQL → vision → coach, parent by parent."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REDIS_URL, REPO
from tests.mesh.conftest import photo


def _chain(span, by_id):
    names = []
    while span is not None:
        names.append(span["name"])
        span = by_id.get(span["parent_id"])
    return names


def _traced_scan(*args: str) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("trace_scan.py")),
            str(photo("trashnet/metal")),
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_scan_is_one_trace_across_every_hop():
    report = _traced_scan()
    assert report["scan"]["status"] == "done", report["scan"]
    spans = report["spans"]
    by_id = {s["span_id"]: s for s in spans}
    root = next(s for s in spans if s["kind"] == "SERVER" and s["name"].startswith("POST /api/v1/scans"))
    trace_spans = [s for s in spans if s["trace_id"] == root["trace_id"]]

    def find(predicate, what):
        found = [s for s in trace_spans if predicate(s)]
        assert found, f"no {what} span in the scan's trace"
        return found

    create_server = find(
        lambda s: s["name"].endswith("WasteService/CreateScan") and s["kind"] == "SERVER", "CreateScan"
    )
    publish = find(lambda s: s["name"] == "q.ai publish", "publish")[0]
    process = find(lambda s: s["name"] == "q.ai process", "consume")[0]
    vision = find(lambda s: s["name"] == "vision.classify", "vision")[0]
    coach = find(lambda s: s["name"].endswith("CoachService/Clarify") and s["kind"] == "SERVER", "coach")[0]
    sql = find(lambda s: "db.system" in s["attributes"] or "db.system.name" in s["attributes"], "SQL")
    # Parent chains, not just presence.
    assert _chain(publish, by_id)[-1] == root["name"]
    assert create_server[0]["name"] in _chain(publish, by_id)
    assert process["parent_id"] == publish["span_id"]
    for span in (vision, coach):
        chain = _chain(span, by_id)
        assert "q.ai process" in chain and chain[-1] == root["name"], chain
    assert any("q.ai process" in _chain(s, by_id) for s in sql), "SQL of the worker's calls is in the trace"
    assert (
        vision["attributes"]["vision.provider"] == "on_device" and "vision.category" in vision["attributes"]
    )
    assert all(s["service"] == "wastecoach-trace-test" for s in trace_spans)


def test_redis_calls_are_spans_of_the_scans_trace():
    """Rate limiter, cache and event bus in Redis: each call a span, under the request or job that made it."""
    report = _traced_scan(REDIS_URL)
    assert report["scan"]["status"] == "done", report["scan"]
    spans = report["spans"]
    by_id = {s["span_id"]: s for s in spans}
    root = next(s for s in spans if s["kind"] == "SERVER" and s["name"].startswith("POST /api/v1/scans"))
    redis = [
        (s, _chain(s, by_id))
        for s in spans
        if s["trace_id"] == root["trace_id"] and s["attributes"].get("db.system") == "redis"
    ]
    statements = {s["attributes"].get("db.statement", "") for s, _ in redis}
    assert all(chain[-1] == root["name"] for _, chain in redis)
    # the limiter's count-and-expire, in the request itself
    assert any("EXPIRE" in s["name"] and chain[1] == root["name"] for s, chain in redis), statements
    # the worker's result: cached (EVAL: the newer-version-wins write) and announced (PUBLISH)
    for command in ("EVAL", "PUBLISH"):
        assert any(s["name"] == command and "q.ai process" in chain for s, chain in redis), (
            command,
            statements,
        )


def test_an_idle_system_probed_like_kubernetes_makes_no_traces():
    """Health checks (HTTP, gRPC, the readiness loop's SELECT) and the scheduler's idle claims: no spans."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("trace_idle.py")), "3", "0.2", REDIS_URL],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["probe_rounds"] >= 5
    assert report["spans"] == [], sorted({s["name"] for s in report["spans"]})
