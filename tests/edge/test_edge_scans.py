"""Scans through REST: accepted, private, validated, conditional GETs, idempotency, rate limits."""

from svc_waste.settings import images_dir
from tests.waste.test_lifecycle_servicer import jpeg

PROBLEM = "application/problem+json"


async def _submit(env, headers, **extra):
    return await env.http.post(
        "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}, **extra
    )


async def test_accepted_scan_is_polled_with_etag_and_retry_after(edge_env):
    headers = await edge_env.login("poller")
    created = await _submit(edge_env, headers, data={"lat": "37.55", "lon": "126.92", "hint": "페트병"})
    assert created.status_code == 202, created.text
    body = created.json()
    assert body["status"] == "queued" and body["status_url"] == f"/api/v1/scans/{body['scan_id']}"
    assert body["events_url"].endswith("/events") and created.headers["location"] == body["status_url"]
    first = await edge_env.http.get(body["status_url"], headers=headers)
    assert first.status_code == 200 and first.json()["status"] == "queued"
    assert first.headers["retry-after"] == "1"
    etag = first.headers["etag"]
    again = await edge_env.http.get(body["status_url"], headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


async def test_other_users_and_unknown_ids_get_404(edge_env):
    owner = await edge_env.login("owner")
    stranger = await edge_env.login("stranger")
    scan_id = (await _submit(edge_env, owner)).json()["scan_id"]
    for who, sid in ((stranger, scan_id), (owner, "does-not-exist")):
        reply = await edge_env.http.get(f"/api/v1/scans/{sid}", headers=who)
        assert reply.status_code == 404 and reply.headers["content-type"].startswith(PROBLEM)
    events = await edge_env.http.get(f"/api/v1/scans/{scan_id}/events", headers=stranger)
    assert events.status_code == 404
    listed = await edge_env.http.get("/api/v1/scans", headers=stranger)
    assert listed.json()["items"] == []


async def test_bad_uploads_are_clear_4xx_problems(edge_env):
    headers = await edge_env.login("uploader")
    cases = [
        ({"files": {"image": ("x.pdf", b"%PDF-1.7 hello", "application/pdf")}}, 422),
        ({"files": {"image": ("e.jpg", b"", "image/jpeg")}}, 422),
        ({"data": {"hint": "no image"}}, 422),
        ({"files": {"image": ("p.jpg", jpeg(), "image/jpeg")}, "data": {"lat": "95", "lon": "0"}}, 422),
        ({"files": {"image": ("p.jpg", jpeg(), "image/jpeg")}, "data": {"lat": "37.5"}}, 422),
        ({"files": {"image": ("big.jpg", b"\xff\xd8\xff" + b"0" * (15 * 1024 * 1024), "image/jpeg")}}, 413),
    ]
    for kwargs, status in cases:
        reply = await edge_env.http.post("/api/v1/scans", headers=headers, **kwargs)
        assert reply.status_code == status, (kwargs.get("data"), reply.text)
        assert reply.headers["content-type"].startswith(PROBLEM)
        assert reply.json()["detail"]


async def test_idempotency_key_returns_the_same_scan_and_one_job_per_user(edge_env):
    alice = await edge_env.login("retrier")
    bob = await edge_env.login("namesake")
    key = {"Idempotency-Key": "photo-123"}
    a = await _submit(edge_env, {**alice, **key})
    b = await _submit(edge_env, {**alice, **key})
    assert a.status_code == b.status_code == 202
    assert a.json()["scan_id"] == b.json()["scan_id"]
    # The key is the caller's own: another user sending the same one gets a scan of their own.
    c = await _submit(edge_env, {**bob, **key})
    assert c.status_code == 202 and c.json()["scan_id"] != a.json()["scan_id"]
    assert (await edge_env.http.get(a.json()["status_url"], headers=bob)).status_code == 404
    assert [j["scan_id"] for j in await edge_env.jobs_for(alice)] == [a.json()["scan_id"]]
    assert [j["scan_id"] for j in await edge_env.jobs_for(bob)] == [c.json()["scan_id"]]


async def test_rate_limit_answers_429_with_retry_after_until_the_next_minute(edge_env):
    headers = await edge_env.login("spammer")
    statuses = [(await _submit(edge_env, headers)).status_code for _ in range(5)]
    assert statuses == [202] * 5
    reply = await _submit(edge_env, headers)
    # The limiter's clock stands one second into its minute: the rest of the minute is the wait.
    assert reply.status_code == 429 and reply.headers["retry-after"] == "59"
    assert reply.headers["content-type"].startswith(PROBLEM)
    bystander = await edge_env.login("bystander")
    assert (await _submit(edge_env, bystander)).status_code == 202  # a budget per user
    edge_env.clock.now += 59
    assert (await _submit(edge_env, headers)).status_code == 202


async def test_dead_upstream_is_503_problem_not_500(edge_env):
    headers = await edge_env.login("reader")
    reply = await edge_env.http.get("/api/v1/categories", headers=headers)
    assert reply.status_code == 503 and reply.headers["content-type"].startswith(PROBLEM)
    ready = await edge_env.http.get("/readyz")
    assert ready.status_code == 503 and ready.json()["services"]["coach"] == "unavailable"
    assert (await edge_env.http.get("/healthz")).json() == {"status": "ok"}


async def test_profile_patch_and_confirmed_deletion(edge_env):
    headers = await edge_env.login("leaving")
    bad = await edge_env.http.patch("/api/v1/users/me", headers=headers, json={"language": "fr"})
    assert bad.status_code == 422
    ok = await edge_env.http.patch("/api/v1/users/me", headers=headers, json={"region_code": "11440"})
    assert ok.json()["region_code"] == "11440"
    scan_id = (await _submit(edge_env, headers)).json()["scan_id"]
    unconfirmed = await edge_env.http.delete("/api/v1/users/me", headers=headers)
    assert unconfirmed.status_code == 422
    gone = await edge_env.http.delete("/api/v1/users/me", headers=headers, params={"confirm": "DELETE"})
    assert gone.status_code == 204
    # The access token is still within its 15 minutes, but the account is gone: refused, not re-created.
    for method, path in (("GET", f"/api/v1/scans/{scan_id}"), ("GET", "/api/v1/users/me")):
        after = await edge_env.http.request(method, path, headers=headers)
        assert after.status_code == 401 and after.json()["detail"] == "this account was deleted"
    assert (await _submit(edge_env, headers)).status_code == 401
    assert not any(scan_id in p.name for p in images_dir(edge_env.settings.mesh).rglob("*"))


async def test_a_resumed_stream_does_not_repeat_what_the_client_saw(edge_env):
    headers = await edge_env.login("resumer")
    files = {"image": ("a.jpg", jpeg(), "image/jpeg")}
    scan_id = (await edge_env.http.post("/api/v1/scans", headers=headers, files=files)).json()["scan_id"]
    await edge_env.finish_scan(headers, scan_id)
    done = (await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()
    url = f"/api/v1/scans/{scan_id}/events"
    fresh = await edge_env.http.get(url, headers=headers)
    ids = [line[4:] for line in fresh.text.splitlines() if line.startswith("id: ")]
    assert len(ids) == 1 and done["status"] == "done"
    resumed = await edge_env.http.get(url, headers={**headers, "Last-Event-ID": ids[0]})
    assert resumed.status_code == 200 and "data: " not in resumed.text
    older = await edge_env.http.get(url, headers={**headers, "Last-Event-ID": str(int(ids[0]) - 1)})
    assert f"id: {ids[0]}" in older.text
