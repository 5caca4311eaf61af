"""Bad input is the caller's 4xx problem, never a 5xx: text with a NUL in it, cursors the API did not
write, an Idempotency-Key reused for another request (each on SQLite and on PostgreSQL)."""

import base64
import io
import json

from PIL import Image

from svc_waste.settings import images_dir

PROBLEM = "application/problem+json"
NUL = "a\x00b"


def _problem(reply, status: int = 422) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    return reply.json()


def _photo(color: tuple[int, int, int] = (200, 30, 30)) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(out, "JPEG")
    return {"image": ("p.jpg", out.getvalue(), "image/jpeg")}


def cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


async def test_text_with_nul_is_refused_before_any_service(edge_env):
    headers = await edge_env.login("nul-sender")
    calls = [
        ("POST", "/api/v1/auth/dev/login", {"json": {"nickname": NUL}}),
        ("PATCH", "/api/v1/users/me", {"json": {"nickname": NUL}}),
        ("GET", "/api/v1/items", {"params": {"q": NUL}}),
        ("GET", "/api/v1/scans/a%00b", {}),
        ("GET", "/api/v1/scans/a%00b/events", {}),
        ("POST", "/api/v1/scans/a%00b/answer", {"json": {"question_id": "q", "choice_id": "c"}}),
        ("GET", "/api/v1/locations/a%00b", {}),
        ("POST", "/api/v1/coach/ask", {"json": {"question": NUL}}),
        ("POST", "/api/v1/coach/ask", {"json": {"question": "페트병", "scan_id": NUL}}),
        ("POST", "/api/v1/auth/kakao/token", {"json": {"access_token": NUL}}),
    ]
    for method, url, kwargs in calls:
        reply = await edge_env.http.request(method, url, headers=headers, **kwargs)
        body = _problem(reply)
        # The edge itself refused it: a validation error, not an upstream's answer.
        assert "grpc_status" not in body and body["errors"], (method, url, body)


async def test_a_hint_with_nul_is_refused_and_leaves_no_image(edge_env):
    headers = await edge_env.login("nul-hinter")
    reply = await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo(), data={"hint": NUL})
    assert _problem(reply)["errors"][0]["loc"] == ["body", "hint"]
    assert not list((images_dir(edge_env.settings.mesh) / "scans" / edge_env.user_id(headers)).glob("*"))
    assert (await edge_env.http.get("/api/v1/scans", headers=headers)).json()["items"] == []


CRAFTED_CURSORS = {
    "a date, so a naive datetime": cursor("0001-01-01", "a"),
    "naive": cursor("2026-11-20T03:00:00", "a"),
    "past year 9999 in UTC": cursor("9999-12-31T23:59:59-05:00", "a"),
    "before year 1 in UTC": cursor("0001-01-01T00:00:00+05:00", "a"),
    "a key with NUL": cursor("2026-11-20T03:00:00+00:00", NUL),
    "a key longer than any id": cursor("2026-11-20T03:00:00+00:00", "k" * 65),
    "a key that is no text": cursor("2026-11-20T03:00:00+00:00", 7),
    "no key": cursor("2026-11-20T03:00:00+00:00"),
    "no base64 JSON": "not-a-cursor!!",
}


async def test_crafted_cursors_are_422_on_every_list(edge_env):
    headers = await edge_env.login("cursor-crafter")
    for name, crafted in CRAFTED_CURSORS.items():
        for url in ("/api/v1/scans", "/api/v1/users/me/scans"):
            reply = await edge_env.http.get(url, params={"cursor": crafted}, headers=headers)
            body = _problem(reply)
            assert body["grpc_status"] == "INVALID_ARGUMENT", (name, url)
            assert body["detail"] == "cursor is not valid"


async def test_a_cursor_of_the_api_still_pages(edge_env):
    headers = await edge_env.login("pager")
    for _ in range(3):
        assert (await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo())).status_code == 202
    first = (await edge_env.http.get("/api/v1/scans", params={"limit": 2}, headers=headers)).json()
    rest = await edge_env.http.get("/api/v1/scans", params={"cursor": first["next_cursor"]}, headers=headers)
    assert rest.status_code == 200 and len(rest.json()["items"]) == 1


async def test_an_idempotency_key_replays_its_own_request_only(edge_env):
    headers = {**(await edge_env.login("keyed")), "Idempotency-Key": "retry-7"}
    place = {"lat": "37.55", "lon": "126.92"}
    first = await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo(), data=place)
    again = await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo(), data=place)
    assert first.status_code == again.status_code == 202
    assert again.json()["scan_id"] == first.json()["scan_id"]
    other_photo = await edge_env.http.post(
        "/api/v1/scans", headers=headers, files=_photo((30, 200, 30)), data=place
    )
    assert "Idempotency-Key" in _problem(other_photo)["detail"]
    other_place = await edge_env.http.post(
        "/api/v1/scans", headers=headers, files=_photo(), data={"lat": "35.1", "lon": "129.04"}
    )
    _problem(other_place)
    listed = (await edge_env.http.get("/api/v1/scans", headers=headers)).json()["items"]
    assert [s["scan_id"] for s in listed] == [first.json()["scan_id"]]
    assert [j["scan_id"] for j in await edge_env.jobs_for(headers)] == [first.json()["scan_id"]]


async def test_an_idempotency_key_reused_with_another_hint_is_422(edge_env):
    headers = {**(await edge_env.login("hinted")), "Idempotency-Key": "retry-8"}
    first = await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo(), data={"hint": "컵"})
    assert first.status_code == 202
    _problem(await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo(), data={"hint": "캔"}))
    _problem(await edge_env.http.post("/api/v1/scans", headers=headers, files=_photo()))
    # Only the images of accepted scans are kept.
    user_images = images_dir(edge_env.settings.mesh) / "scans" / edge_env.user_id(headers)
    assert [p.stem for p in user_images.glob("*.jpg")] == [first.json()["scan_id"]]
