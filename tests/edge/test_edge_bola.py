"""Object-level authorization: user B can neither read, list, use nor delete anything of user A's."""

import grpc
import pytest

from mesh.grpc_channel import make_channel
from mesh.identity import user_metadata
from protos.wastecoach.waste.v1 import waste_pb2, waste_pb2_grpc
from svc_waste.settings import images_dir
from tests.waste.test_lifecycle_servicer import jpeg

PROBLEM = "application/problem+json"


async def _scan(env, headers) -> str:
    reply = await env.http.post(
        "/api/v1/scans", headers=headers, files={"image": ("p.jpg", jpeg(), "image/jpeg")}
    )
    assert reply.status_code == 202, reply.text
    return reply.json()["scan_id"]


@pytest.fixture
async def two_users(edge_env):
    alice = await edge_env.login("alice")
    bob = await edge_env.login("bob")
    scan_id = await _scan(edge_env, alice)
    await edge_env.finish_scan(alice, scan_id)
    return edge_env, alice, bob, scan_id


async def _assert_404(reply) -> None:
    assert reply.status_code == 404, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)


async def test_scan_reads_are_owner_only(two_users):
    env, alice, bob, scan_id = two_users
    assert (await env.http.get(f"/api/v1/scans/{scan_id}", headers=alice)).json()["status"] == "done"
    await _assert_404(await env.http.get(f"/api/v1/scans/{scan_id}", headers=bob))
    await _assert_404(await env.http.get(f"/api/v1/scans/{scan_id}/events", headers=bob))
    listed = await env.http.get("/api/v1/scans", headers=bob)
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert [s["scan_id"] for s in (await env.http.get("/api/v1/scans", headers=alice)).json()["items"]] == [
        scan_id
    ]


async def test_history_stats_and_profile_are_the_callers_own(two_users):
    env, alice, bob, scan_id = two_users
    mine = await env.http.get("/api/v1/users/me/scans", headers=alice)
    assert [e["scan_id"] for e in mine.json()["items"]] == [scan_id]
    theirs = await env.http.get("/api/v1/users/me/scans", headers=bob)
    assert theirs.status_code == 200 and theirs.json()["items"] == []
    assert (await env.http.get("/api/v1/users/me/stats", headers=alice)).json()["total_scans"] == 1
    assert (await env.http.get("/api/v1/users/me/stats", headers=bob)).json()["total_scans"] == 0
    me = (await env.http.get("/api/v1/users/me", headers=bob)).json()
    assert me["user_id"] == env.user_id(bob) != env.user_id(alice) and me["nickname"] == "bob"
    await env.http.patch("/api/v1/users/me", headers=bob, json={"nickname": "mallory"})
    assert (await env.http.get("/api/v1/users/me", headers=alice)).json()["nickname"] == "alice"


async def test_coach_question_cannot_borrow_someone_elses_scan(two_users):
    env, _, bob, scan_id = two_users
    # The coach service is down in this stack: a 404 proves the ownership check ran first.
    reply = await env.http.post(
        "/api/v1/coach/ask", headers=bob, json={"question": "어떻게?", "scan_id": scan_id}
    )
    await _assert_404(reply)


async def test_someone_elses_image_key_cannot_be_scanned(two_users):
    env, alice, bob, scan_id = two_users
    alice_id = env.user_id(alice)
    for key in (f"scans/{alice_id}/{scan_id}.jpg", f"uploads/{alice_id}/photo.jpg"):
        reply = await env.http.post("/api/v1/scans", headers=bob, data={"image_key": key})
        assert reply.status_code in (404, 422), reply.text
        assert reply.headers["content-type"].startswith(PROBLEM)


async def test_images_are_served_to_workers_only(two_users):
    env, alice, _, scan_id = two_users
    async with make_channel(
        env.settings.mesh.waste_addr, identity=env.settings.mesh.identity_key()
    ) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await waste_pb2_grpc.WasteServiceStub(channel).GetScanImage(
                waste_pb2.GetScanImageRequest(scan_id=scan_id), metadata=user_metadata(env.user_id(alice))
            )
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_deleting_an_account_touches_no_one_else(two_users):
    env, alice, bob, scan_id = two_users
    await _scan(env, bob)
    gone = await env.http.delete("/api/v1/users/me", headers=bob, params={"confirm": "DELETE"})
    assert gone.status_code == 204
    assert (await env.http.get(f"/api/v1/scans/{scan_id}", headers=alice)).status_code == 200
    assert (await env.http.get("/api/v1/users/me/stats", headers=alice)).json()["total_scans"] == 1
    images = [p for p in images_dir(env.settings.mesh).rglob("*") if p.is_file()]
    assert [p.name for p in images] == [f"{scan_id}.jpg"]
