"""One trace per scan: edge → gRPC → publish → consume → SQL → vision → coach, parent by parent."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.mesh.conftest import photo


def _chain(span, by_id):
    names = []
    while span is not None:
        names.append(span["name"])
        span = by_id.get(span["parent_id"])
    return names


def test_a_scan_is_one_trace_across_every_hop():
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("trace_scan.py")), str(photo("trashnet/metal"))],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
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
