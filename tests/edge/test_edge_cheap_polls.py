"""Polls answered from what the waste service published (issue 19): no gRPC call while a scan is
queued, processing or done, the owner checked on the cached entry, and correct when nothing is cached
(a restart). On the embedded default (in-process cache) and the real stack (Redis)."""

from __future__ import annotations

import pytest

from edge.context import edge_of
from tests.waste.test_lifecycle_servicer import jpeg


class CountingWaste:
    """The edge's waste client with its GetScan calls counted."""

    def __init__(self, stub) -> None:
        self._stub = stub
        self.reads = 0

    def __getattr__(self, name: str):
        return getattr(self._stub, name)

    async def GetScan(self, *args, **kwargs):
        self.reads += 1
        return await self._stub.GetScan(*args, **kwargs)


@pytest.fixture
def waste_reads(edge_env) -> CountingWaste:
    clients = edge_of(edge_env.app).clients
    counting = CountingWaste(clients.waste)
    clients.waste = counting
    yield counting
    clients.waste = counting._stub


async def _submit(env, headers) -> str:
    reply = await env.http.post(
        "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
    )
    assert reply.status_code == 202, reply.text
    return reply.json()["scan_id"]


async def test_polls_of_a_queued_and_a_done_scan_call_no_service(edge_env, waste_reads):
    headers = await edge_env.login("cheap-poller")
    scan_id = await _submit(edge_env, headers)
    url = f"/api/v1/scans/{scan_id}"

    queued = await edge_env.http.get(url, headers=headers)
    assert queued.status_code == 200 and queued.json()["status"] == "queued"
    assert queued.headers["retry-after"] == "1"
    same = await edge_env.http.get(url, headers={**headers, "If-None-Match": queued.headers["etag"]})
    assert same.status_code == 304 and same.headers["retry-after"] == "1"

    await edge_env.finish_scan(headers, scan_id)
    done = await edge_env.http.get(url, headers={**headers, "If-None-Match": queued.headers["etag"]})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["result"]["category"]["code"] == "pet"
    assert "retry-after" not in done.headers and done.headers["etag"] != queued.headers["etag"]
    again = await edge_env.http.get(url, headers={**headers, "If-None-Match": done.headers["etag"]})
    assert again.status_code == 304
    assert waste_reads.reads == 0


async def test_a_cached_scan_is_not_served_to_someone_else(edge_env, waste_reads):
    owner = await edge_env.login("cache-owner")
    stranger = await edge_env.login("cache-stranger")
    scan_id = await _submit(edge_env, owner)
    await edge_env.finish_scan(owner, scan_id)
    assert await edge_env.cache.get(f"scan:{scan_id}") is not None  # the entry the stranger would hit
    for path in (f"/api/v1/scans/{scan_id}", f"/api/v1/scans/{scan_id}/events"):
        reply = await edge_env.http.get(path, headers=stranger)
        assert reply.status_code == 404, (path, reply.text)
        assert reply.json()["code"] == "scan_not_found"


async def test_with_nothing_cached_the_service_answers_and_caches_it_again(edge_env, waste_reads):
    headers = await edge_env.login("after-restart")
    scan_id = await _submit(edge_env, headers)
    await edge_env.finish_scan(headers, scan_id)
    await edge_env.cache.delete(f"scan:{scan_id}")  # what a restart of the embedded default leaves

    first = await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=headers)
    assert first.status_code == 200 and first.json()["status"] == "done"
    assert waste_reads.reads == 1
    second = await edge_env.http.get(f"/api/v1/scans/{scan_id}", headers=headers)
    assert second.json() == first.json() and second.headers["etag"] == first.headers["etag"]
    assert waste_reads.reads == 1  # the service's read put it back


async def test_the_event_stream_reads_the_published_state(edge_env, waste_reads):
    headers = await edge_env.login("cheap-streamer")
    scan_id = await _submit(edge_env, headers)
    await edge_env.finish_scan(headers, scan_id)
    reply = await edge_env.http.get(f"/api/v1/scans/{scan_id}/events", headers=headers)
    assert reply.status_code == 200 and '"status":"done"' in reply.text.replace(" ", "")
    assert waste_reads.reads == 0


async def test_the_fast_path_answers_as_the_route_does(edge_env, waste_reads, monkeypatch):
    from edge import fast_poll
    from mesh import metrics

    headers = await edge_env.login("fast-path")
    queued_id = await _submit(edge_env, headers)
    done_id = await _submit(edge_env, headers)
    await edge_env.finish_scan(headers, done_id)
    answered = []

    def spy(scan, if_none_match, rendered):
        answered.append(scan.scan_id)
        return poll_answer(scan, if_none_match, rendered)

    poll_answer = fast_poll.poll_answer
    monkeypatch.setattr(fast_poll, "poll_answer", spy)
    counted = metrics.HTTP_REQUESTS.labels("/api/v1/scans/{scan_id}", "GET", "200")
    before = counted._value.get()

    async def both(url, extra):
        fast = await edge_env.http.get(url, headers={**headers, **extra})
        with monkeypatch.context() as m:
            m.setattr(fast_poll, "as_published", lambda *_: None)  # the fast path declines: the route answers
            routed = await edge_env.http.get(url, headers={**headers, **extra})
        return fast, routed

    for scan_id in (queued_id, done_id):
        url = f"/api/v1/scans/{scan_id}"
        fast, routed = await both(url, {})
        assert (fast.status_code, fast.content) == (routed.status_code, routed.content)
        assert dict(fast.headers) == dict(routed.headers)
        fast, routed = await both(url, {"If-None-Match": fast.headers["etag"]})
        assert fast.status_code == routed.status_code == 304
        assert dict(fast.headers) == dict(routed.headers)
    assert answered == [queued_id, queued_id, done_id, done_id]
    assert counted._value.get() - before == 4  # fast and routed 200s alike, under the route's template
    assert waste_reads.reads == 0


async def test_a_deleted_accounts_token_gets_no_published_scan(edge_env, waste_reads):
    from edge.deps import revoked_key

    headers = await edge_env.login("gone-while-polling")
    scan_id = await _submit(edge_env, headers)
    url = f"/api/v1/scans/{scan_id}"
    assert (await edge_env.http.get(url, headers=headers)).status_code == 200
    # The marker the account's deletion leaves (edge/routes/users.py), with the scan still published.
    await edge_env.cache.set(revoked_key(edge_env.user_id(headers)), b"1", 60)
    refused = await edge_env.http.get(url, headers=headers)
    assert refused.status_code == 401 and refused.json()["code"] == "account_deleted"
