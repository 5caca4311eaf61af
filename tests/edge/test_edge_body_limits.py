"""Request bodies: refused by their declared size before a byte is read, cut off while streaming, and
never read for a caller who is not signed in (the attack: a 200 MB JSON with no token grew the edge
by 680 MB). What the edge pulled from each body is counted, not the memory it took."""

from __future__ import annotations

import json

import httpx

from edge.app import create_app
from edge.clients import connect
from edge.settings import EdgeSettings
from mesh.events import InProcessEventBus
from mesh.settings import MeshSettings
from tests.waste.test_lifecycle_servicer import jpeg

PROBLEM = "application/problem+json"
MiB = 1024 * 1024


class Body:
    """A request body that counts the chunks the server pulled from it."""

    def __init__(self, chunk: bytes, chunks: int) -> None:
        self.chunk, self.chunks, self.pulled = chunk, chunks, 0

    async def __aiter__(self):
        for _ in range(self.chunks):
            self.pulled += 1
            yield self.chunk


def _problem(reply, status: int) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM) and reply.json()["status"] == status


async def test_a_body_declared_too_large_is_refused_unread(edge_env):
    headers = await edge_env.login("big-body")
    for path, declared, who in (
        ("/api/v1/coach/ask", 200 * MiB, {}),  # the attack: no token at all
        ("/api/v1/coach/ask", 65 * 1024, headers),  # over the small JSON limit
        ("/api/v1/scans", 16 * MiB, headers),  # over the photo limit
    ):
        body = Body(b"x" * 65536, 4)
        reply = await edge_env.http.post(path, content=body, headers={**who, "Content-Length": str(declared)})
        _problem(reply, 413)
        assert body.pulled == 0, path


async def test_without_a_valid_token_no_body_is_read(edge_env):
    question = json.dumps({"question": "페트병은 어떻게 버려요?"}).encode()
    for who in ({}, {"Authorization": "Bearer not-a-token"}):
        for path, chunk, content_type in (
            ("/api/v1/coach/ask", question, "application/json"),
            ("/api/v1/scans", jpeg(), "multipart/form-data; boundary=x"),
            ("/api/v1/scans", jpeg(), None),  # streamed: no Content-Length
        ):
            body = Body(chunk, 1)
            headers = {**who, "Content-Type": content_type or "application/octet-stream"}
            if content_type:
                headers["Content-Length"] = str(len(chunk))
            reply = await edge_env.http.post(path, content=body, headers=headers)
            _problem(reply, 401)
            assert body.pulled == 0, (path, who)


async def test_a_streamed_body_is_cut_off_at_the_limit(edge_env):
    headers = await edge_env.login("streamer")
    body = Body(b" " * 16384, 64)  # 1 MiB of JSON whitespace, chunked, never declared
    reply = await edge_env.http.post(
        "/api/v1/coach/ask", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    _problem(reply, 413)
    assert body.pulled <= 5  # 64 KiB: four chunks, and the one that crossed the limit


async def test_public_and_photo_routes_keep_their_bodies(edge_env):
    # Sign-in needs no token for its body; a photo well over the JSON limit is still a photo.
    headers = await edge_env.login("photographer")
    photo = jpeg() + b"\0" * (2 * MiB)  # trailing bytes after the JPEG's end are ignored by decoders
    reply = await edge_env.http.post(
        "/api/v1/scans", headers=headers, files={"image": ("p.jpg", photo, "image/jpeg")}
    )
    assert reply.status_code == 202, reply.text


async def test_the_photo_route_follows_the_configured_upload_limit(tmp_path):
    """One limit: the gate's photo budget is the configured upload size plus the form's framing, so
    a smaller WASTECOACH_MAX_UPLOAD_BYTES is refused at the door, unread."""
    mesh = MeshSettings(data_dir=tmp_path)
    app = create_app(mesh, EdgeSettings(max_upload_bytes=1 * MiB), connect(mesh), InProcessEventBus())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        for declared, status in ((2 * MiB, 413), (1 * MiB + 1024, 401)):
            body = Body(b"x" * 65536, 1)
            headers = {"Content-Length": str(declared), "Content-Type": "multipart/form-data; boundary=x"}
            reply = await http.post("/api/v1/scans", content=body, headers=headers)
            _problem(reply, status)
            assert body.pulled == 0
