"""Answering a scan's question through REST: the result, history and stats follow; errors are problems.

The first tests store the worker's result directly (the edge stack has no coach); the last one runs
the whole embedded system, where the real coach asks about a real photo, and exports the label.
"""

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.conftest import REPO
from tests.mesh.conftest import photo, wait_finished
from tests.waste.test_answers_servicer import asking_result
from tests.waste.test_lifecycle_servicer import jpeg
from wastecoach.runner import Mesh
from wastecoach.settings import Settings

PROBLEM = "application/problem+json"
MAPO = {"lat": "37.5663", "lon": "126.9019"}


async def _asking_scan(env, headers) -> str:
    created = await env.http.post(
        "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
    )
    scan_id = created.json()["scan_id"]
    await env.finish_scan(headers, scan_id, asking_result())
    return scan_id


def _answer(scan_id: str, choice_id: str, question_id: str = "pet_clear") -> tuple[str, dict]:
    return f"/api/v1/scans/{scan_id}/answer", {"question_id": question_id, "choice_id": choice_id}


async def test_the_answer_becomes_the_result_and_history_and_stats_follow(edge_env):
    headers = await edge_env.login("answerer")
    scan_id = await _asking_scan(edge_env, headers)
    before = await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=headers)
    result = before.json()["result"]
    assert result["needs_confirmation"] is True and result["answer"] is None
    assert result["category"]["code"] == "plastic" and "outcomes" not in result
    assert result["question"] == {
        "id": "pet_clear",
        "text": "병이 투명한가요?",
        "choices": [
            {
                "id": "clear",
                "label": "투명해요",
                "category": {"code": "clear_pet", "name_ko": "투명 페트병", "name_en": "Clear PET bottle"},
                "item_id": "clear_pet_bottle",
            },
            {
                "id": "colored",
                "label": "색이 있어요",
                "category": {"code": "plastic", "name_ko": "플라스틱", "name_en": "Plastic"},
                "item_id": "",
            },
        ],
    }
    url, body = _answer(scan_id, "clear")
    answered = await edge_env.http.post(url, headers=headers, json=body)
    assert answered.status_code == 200, answered.text
    after = answered.json()
    assert after["status"] == "done" and after["scan_id"] == scan_id
    r = after["result"]
    assert r["category"]["code"] == "clear_pet" and r["item"] == "Clear PET bottle"
    assert r["disposal"]["steps"] == ["라벨을 떼고 찌그러뜨리세요"] and r["coaching"] == [
        "라벨을 떼면 재활용돼요"
    ]
    assert [p["id"] for p in r["nearby"]] == ["loc-1"]
    assert r["question"] is None and r["needs_confirmation"] is False and "outcomes" not in r
    assert r["answer"]["question_id"] == "pet_clear" and r["answer"]["choice_id"] == "clear"
    assert r["answer"]["predicted_category"] == "plastic" and r["answer"]["answered_at"]
    # Same shape as a read, and the ETag moved: a poller holding the old one gets the new body.
    got = await edge_env.http.get(
        f"/api/v1/scans/{scan_id}", headers={**headers, "If-None-Match": before.headers["etag"]}
    )
    assert got.status_code == 200 and got.json() == after
    assert answered.headers["etag"] == got.headers["etag"] != before.headers["etag"]
    history = (await edge_env.http.get("/api/v1/users/me/scans", headers=headers)).json()["items"]
    # The chosen item, named as the scan (asked in Korean, the default) shows it.
    assert [(h["scan_id"], h["category_code"], h["item"]) for h in history] == [
        (scan_id, "clear_pet", "투명 페트병")
    ]
    stats = (await edge_env.http.get("/api/v1/users/me/stats", headers=headers)).json()
    assert stats["total_scans"] == 1 and stats["by_category"] == [{"category_code": "clear_pet", "count": 1}]


async def test_answers_that_cannot_apply_are_problems(edge_env):
    owner = await edge_env.login("owner")
    stranger = await edge_env.login("stranger")
    scan_id = await _asking_scan(edge_env, owner)
    queued = (
        await edge_env.http.post(
            "/api/v1/scans", headers=owner, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
        )
    ).json()["scan_id"]
    cases = [
        (stranger, *_answer(scan_id, "clear"), 404),
        (owner, *_answer("does-not-exist", "clear"), 404),
        (owner, *_answer(queued, "clear"), 409),
        (owner, *_answer(scan_id, "clear", question_id="which_category"), 409),
        (owner, *_answer(scan_id, "maybe"), 422),
        (owner, f"/api/v1/scans/{scan_id}/answer", {"question_id": "pet_clear"}, 422),
        (owner, f"/api/v1/scans/{scan_id}/answer", {"question_id": "pet_clear", "choice_id": "x" * 65}, 422),
    ]
    for who, url, body, status in cases:
        reply = await edge_env.http.post(url, headers=who, json=body)
        assert reply.status_code == status, (url, body, reply.text)
        assert reply.headers["content-type"].startswith(PROBLEM) and reply.json()["detail"]
    url, body = _answer(scan_id, "clear")
    no_token = await edge_env.http.post(url, json=body)
    assert no_token.status_code == 401 and no_token.headers["content-type"].startswith(PROBLEM)
    url, body = _answer(scan_id, "colored")
    assert (await edge_env.http.post(url, headers=owner, json=body)).status_code == 200
    # A retry of the same answer (say, after a lost reply) gets the scan again; another answer is refused.
    retry = await edge_env.http.post(url, headers=owner, json=body)
    assert retry.status_code == 200 and retry.json()["result"]["answer"]["choice_id"] == "colored"
    url, body = _answer(scan_id, "clear")
    again = await edge_env.http.post(url, headers=owner, json=body)
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    assert (await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=owner)).json()["result"]["answer"][
        "choice_id"
    ] == "colored"


async def test_the_answer_route_is_in_the_openapi_contract(edge_env):
    spec = (await edge_env.http.get("/openapi.json")).json()
    operation = spec["paths"]["/api/v1/scans/{scan_id}/answer"]["post"]
    assert {"200", "401", "404", "409", "422"} <= set(operation["responses"])
    result = spec["components"]["schemas"]["ScanResult"]["properties"]
    assert {"question", "answer"} <= set(result) and "outcomes" not in result
    assert {"id", "text", "choices"} <= set(spec["components"]["schemas"]["ScanQuestion"]["properties"])


async def _export(folder: Path, waste_addr: str = "", data_dir: Path | None = None) -> str:
    """`wastecoach feedback export` as its own process: against a running waste service, or (no
    address) reading the embedded default's data directory in-process."""
    args = ["--addr", waste_addr] if waste_addr else []
    env = {k: v for k, v in os.environ.items() if not k.startswith("WASTECOACH_")}
    if data_dir is not None:
        env["WASTECOACH_DATA_DIR"] = str(data_dir)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wastecoach",
        "feedback",
        "export",
        str(folder),
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()[-3000:]
    return out.decode()


async def _scan(http: httpx.AsyncClient, headers: dict[str, str], image: Path) -> dict:
    files = {"image": (image.name, image.read_bytes(), "image/jpeg")}
    created = await http.post("/api/v1/scans", headers=headers, data=MAPO, files=files)
    assert created.status_code == 202, created.text
    scan = await wait_finished(http, created.json()["status_url"], headers)
    assert scan["status"] == "done", scan
    return scan


async def test_a_real_photo_asks_the_answer_decides_and_the_label_is_exported(tmp_path):
    settings = Settings(
        mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False),
        edge=EdgeSettings(scan_rate_per_minute=1000),
    )
    mesh = Mesh(settings)
    await mesh.start(port=0)
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            login = await http.post("/api/v1/auth/dev/login", json={"nickname": "asked"})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            # A glass photo: the photo cannot tell a bottle from broken or heat-resistant glass.
            glass = await _scan(http, headers, photo("trashnet/glass", 5))
            question = glass["result"]["question"]
            assert question and glass["result"]["needs_confirmation"] is True
            bottle = next(c for c in question["choices"] if c["category"]["code"] == "glass")
            url, body = _answer(glass["scan_id"], bottle["id"], question["id"])
            assert (await http.post(url, headers=headers, json=body)).status_code == 200
            # Its photo is gone by export time (as after the retention period).
            for stored in (tmp_path / "data" / "images").rglob(f"{glass['scan_id']}.*"):
                stored.unlink()

            image = photo("trashnet/plastic", 0)
            scan = await _scan(http, headers, image)
            result = scan["result"]
            assert result["needs_confirmation"] is True and result["answer"] is None
            question = result["question"]
            assert question["id"] and question["text"] and 2 <= len(question["choices"]) <= 4
            shown = result["category"]["code"]
            predicted = result["alternatives"][0]["code"]
            other = next(c for c in question["choices"] if c["category"]["code"] != shown)
            scan_url = f"/api/v1/scans/{scan['scan_id']}"
            etag = (await http.get(scan_url, headers=headers)).headers["etag"]
            url, body = _answer(scan["scan_id"], other["id"], question["id"])
            answered = await http.post(url, headers=headers, json=body)
            assert answered.status_code == 200, answered.text
            after = answered.json()["result"]
            assert after["category"] == other["category"] and after["question"] is None
            assert after["needs_confirmation"] is False
            assert (
                after["answer"]["choice_id"] == other["id"]
                and after["answer"]["predicted_category"] == predicted
            )
            assert after["nearby"] and all(other["category"]["code"] in p["accepts"] for p in after["nearby"])
            read = await http.get(scan_url, headers={**headers, "If-None-Match": etag})
            assert read.status_code == 200 and read.headers["etag"] != etag and read.json()["result"] == after
            history = (await http.get("/api/v1/users/me/scans", headers=headers)).json()["items"]
            assert {h["scan_id"]: h["category_code"] for h in history} == {
                glass["scan_id"]: "glass",
                scan["scan_id"]: other["category"]["code"],
            }
            stats = (await http.get("/api/v1/users/me/stats", headers=headers)).json()
            assert {c["category_code"]: c["count"] for c in stats["by_category"]} == {
                "glass": 1,
                other["category"]["code"]: 1,
            }

        # A running service answers only callers signed with its mesh key (here: its data dir's).
        out = await _export(tmp_path / "export", mesh.wired.mesh.waste_addr, mesh.settings.mesh.data_dir)
        assert "wrote 2 example(s)" in out and "1 with their photo, 1 with no image any more" in out
        lines = (tmp_path / "export" / "labels.jsonl").read_text().splitlines()
        labels = {row["scan_id"]: row for row in map(json.loads, lines)}
        chosen = other["category"]["code"]
        assert labels[scan["scan_id"]]["chosen_category"] == chosen
        assert labels[scan["scan_id"]]["predicted_category"] == predicted
        assert labels[scan["scan_id"]]["question_id"] == question["id"]
        assert labels[glass["scan_id"]]["chosen_category"] == "glass"
        exported = tmp_path / "export" / "images" / chosen / f"{scan['scan_id']}.jpg"
        assert exported.read_bytes() == image.read_bytes()
        assert not list((tmp_path / "export" / "images").rglob(f"{glass['scan_id']}.*"))
    finally:
        await mesh.stop()
    # With the system stopped, the export reads the same data directory by itself.
    offline = await _export(tmp_path / "offline", data_dir=tmp_path / "data")
    assert "wrote 2 example(s)" in offline
    assert (tmp_path / "offline" / "labels.jsonl").read_text() == (
        tmp_path / "export" / "labels.jsonl"
    ).read_text()
