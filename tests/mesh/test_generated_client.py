"""An app developer's path: generate a client from the served /openapi.json with a real generator
(openapi-python-client), with no warning, and run the whole flow through it against the system."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.mesh.conftest import photo

PACKAGE = "wastecoach_api_client"
MAPO = (37.5663, 126.9019)


@pytest.fixture(scope="module")
async def generated(mesh, tmp_path_factory):
    """The generated package, imported; the generator's whole output must be its progress line."""
    folder = tmp_path_factory.mktemp("generated")
    spec = folder / "openapi.json"
    async with httpx.AsyncClient(base_url=mesh.url, timeout=10) as http:
        spec.write_text((await http.get("/openapi.json")).text)
    bin_dir = str(Path(sys.executable).parent)  # its post-hooks run ruff from the same environment
    run = subprocess.run(
        [
            f"{bin_dir}/openapi-python-client",
            *("generate", "--path", str(spec), "--meta", "none", "--output-path", str(folder / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = (run.stdout + run.stderr).strip()
    assert run.returncode == 0, output
    assert [line for line in output.splitlines() if line.strip()] == [f"Generating {folder / PACKAGE}"], (
        output
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def op(name: str):
    """One generated operation module, e.g. `scans.get_scan`."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


async def test_the_whole_flow_through_the_generated_client(mesh, generated):
    models, types = (importlib.import_module(f"{PACKAGE}.{name}") for name in ("models", "types"))
    anonymous = generated.Client(base_url=mesh.url, timeout=httpx.Timeout(30))

    # An error is a Problem with its stable code, in Korean when the app asks for it.
    refused = await op("users.get_me").asyncio_detailed(client=anonymous, accept_language="ko-KR,ko;q=0.9")
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Problem), refused.content
    assert refused.parsed.code == "auth_required" and "로그인" in refused.parsed.detail

    tokens = (
        await op("auth.dev_login").asyncio_detailed(
            client=anonymous, body=models.DevLogin(nickname="gen-client")
        )
    ).parsed
    assert isinstance(tokens, models.Tokens), tokens
    client = generated.AuthenticatedClient(
        base_url=mesh.url, token=tokens.access_token, timeout=httpx.Timeout(30)
    )

    # Upload: the photo goes as a file. The queue is held so the scan is seen while it is pending.
    await mesh.broker.stop()
    image = photo("trashnet/plastic")
    form = models.CreateScanForm(
        image=types.File(
            payload=io.BytesIO(image.read_bytes()), file_name=image.name, mime_type="image/jpeg"
        ),
        lat=MAPO[0],
        lon=MAPO[1],
    )
    created = await op("scans.create_scan").asyncio_detailed(
        client=client, body=form, idempotency_key="gen-client-1"
    )
    assert created.status_code == 202, created.content
    accepted = created.parsed
    assert isinstance(accepted, models.ScanAccepted) and accepted.status == "queued"

    # Poll with the ETag: pending answers say when to come back; an unchanged scan is a 304.
    get_scan = op("scans.get_scan")
    first = await get_scan.asyncio_detailed(accepted.scan_id, client=client)
    assert first.status_code == 200 and first.parsed.status == "queued"
    assert first.headers["Retry-After"] == "1"
    etag = first.headers["ETag"]
    again = await get_scan.asyncio_detailed(accepted.scan_id, client=client, if_none_match=etag)
    assert again.status_code == 304 and again.headers["ETag"] == etag

    # Follow the server-sent events (the generator reads a stream whole: its httpx client streams).
    statuses = []
    http = client.get_async_httpx_client()
    async with http.stream("GET", accepted.events_url) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        await mesh.broker.start()
        event = ""
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                assert event == "status"
                statuses.append(models.Scan.from_dict(json.loads(line[6:])))
    assert statuses[0].status == "queued" and statuses[-1].status == "done"
    done = statuses[-1]

    changed = await get_scan.asyncio_detailed(accepted.scan_id, client=client, if_none_match=etag)
    assert changed.status_code == 200 and changed.parsed.status == "done"
    assert changed.headers["ETag"] != etag and "Retry-After" not in changed.headers

    # Answer the one-tap question.
    question = done.result.question
    assert isinstance(question, models.ScanQuestion), "a plastic photo asks whether it is clear PET"
    answered = await op("scans.answer_scan").asyncio_detailed(
        accepted.scan_id,
        client=client,
        body=models.AnswerRequest(question_id=question.id, choice_id=question.choices[0].id),
    )
    assert answered.status_code == 200, answered.content
    assert answered.parsed.result.answer.choice_id == question.choices[0].id
    assert answered.parsed.result.question is None

    history = (await op("users.list_history").asyncio_detailed(client=client)).parsed
    assert isinstance(history, models.HistoryPage)
    assert [h.scan_id for h in history.items] == [accepted.scan_id] and history.next_cursor is None

    stats = (await op("users.get_stats").asyncio_detailed(client=client)).parsed
    assert isinstance(stats, models.Stats) and stats.total_scans == 1

    answer = (
        await op("coach.ask").asyncio_detailed(
            client=client, body=models.Question(question="페트병은 어떻게 버려?")
        )
    ).parsed
    assert isinstance(answer, models.Answer) and answer.answer and answer.sources

    nearby = (
        await op("locations.find_nearby").asyncio_detailed(client=client, lat=MAPO[0], lon=MAPO[1], limit=5)
    ).parsed
    assert isinstance(nearby, models.DropOffList) and nearby.items and nearby.next_cursor is None
    distances = [place.distance_m for place in nearby.items]
    assert distances == sorted(distances)

    # Another's scan is a 404 Problem, in English by default.
    missing = await get_scan.asyncio_detailed("no-such-scan", client=client)
    assert missing.status_code == 404
    assert missing.parsed.code == "scan_not_found" and missing.parsed.detail == "scan not found"
