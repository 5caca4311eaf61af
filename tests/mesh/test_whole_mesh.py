"""The whole system through REST, on the embedded default, with real photos."""

import json
import socket
import statistics
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tests.mesh.conftest import login, photo, wait_finished

# Seoul Mapo-gu, where the shared data has hundreds of clothing bins.
MAPO = {"lat": "37.5663", "lon": "126.9019"}


async def test_real_photo_reaches_done_with_guidance_and_nearby(http):
    headers = await login(http, "mesh-user")
    image = photo("wastenet9/textiles", 3)
    created = await http.post(
        "/api/v1/scans",
        headers=headers,
        data=MAPO,
        files={"image": (image.name, image.read_bytes(), "image/jpeg")},
    )
    assert created.status_code == 202, created.text
    scan = await wait_finished(http, created.json()["status_url"], headers)
    assert scan["status"] == "done", scan
    result = scan["result"]
    assert result["category"]["code"] and result["category"]["name_ko"] and result["category"]["name_en"]
    assert result["disposal"]["steps"] and result["disposal"]["why"] and result["disposal"]["bin"]
    assert result["coaching"]
    assert 0 < result["confidence"] <= 1 and result["alternatives"]
    assert result["provider"] == "on_device"
    assert result["nearby"], "a textiles scan in Mapo must list clothing bins"
    for place in result["nearby"]:
        assert result["category"]["code"] in place["accepts"]
        assert place["distance_m"] <= 3000
    distances = [p["distance_m"] for p in result["nearby"]]
    assert distances == sorted(distances)
    history = (await http.get("/api/v1/users/me/scans", headers=headers)).json()
    assert [h["scan_id"] for h in history["items"]] == [scan["scan_id"]]
    # The scan was asked in Korean (the default): its history row names the item as it was shown.
    assert history["items"][0]["item"] == result["item_ko"] != result["item"]


async def test_truncated_photo_fails_with_a_reason(http):
    headers = await login(http, "mesh-bad")
    data = photo("trashnet/glass").read_bytes()[:300]  # a JPEG header, then nothing
    created = await http.post(
        "/api/v1/scans", headers=headers, files={"image": ("t.jpg", data, "image/jpeg")}
    )
    assert created.status_code == 202
    scan = await wait_finished(http, created.json()["status_url"], headers)
    assert scan["status"] == "failed" and scan["error"]["message"]
    assert scan["result"] is None


async def test_sse_streams_every_transition(mesh, http):
    headers = await login(http, "mesh-sse")
    image = photo("trashnet/paper")
    await mesh.broker.stop()  # hold the queue so the stream sees the scan while it is still queued
    created = (
        await http.post(
            "/api/v1/scans", headers=headers, files={"image": (image.name, image.read_bytes(), "image/jpeg")}
        )
    ).json()
    statuses = []
    async with http.stream("GET", created["events_url"], headers=headers) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        await mesh.broker.start()
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                statuses.append(json.loads(line[6:])["status"])
    assert statuses[0] == "queued" and statuses[-1] == "done"
    assert "processing" in statuses


async def test_every_service_is_serving_with_reflection(mesh):
    for component in mesh.components:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{component.server.port}") as channel:
            for name in component.server.names:
                reply = await health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(service=name)
                )
                assert reply.status == health_pb2.HealthCheckResponse.SERVING
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            responses = stub.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            )
            listed = {s.name async for r in responses for s in r.list_services_response.service}
            assert set(component.server.names) <= listed and "grpc.health.v1.Health" in listed


async def test_readiness_and_docs(http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200 and set(ready.json()["services"].values()) == {"ok"}
    assert (await http.get("/docs")).status_code == 200
    spec = (await http.get("/openapi.json")).json()
    assert "/api/v1/scans/{scan_id}" in spec["paths"]


async def test_keep_alive_responses_are_not_held_back_by_nagle(http):
    # Without TCP_NODELAY the response's second write waits for the client's delayed ACK:
    # ~40 ms on every request after the first on a connection.
    took = []
    for _ in range(10):
        start = time.perf_counter()
        assert (await http.get("/healthz")).status_code == 200
        took.append(time.perf_counter() - start)
    assert statistics.median(took) < 0.02, took


def iphone_heic(source) -> bytes:
    """A photo as an iPhone saves it: HEIC, 12 MP (4032 x 3024 stored landscape), EXIF orientation 6
    (shown portrait), Apple's make and model; made from a dataset photo."""
    import io

    import pillow_heif
    from PIL import Image

    img = Image.open(source).convert("RGB").rotate(90, expand=True).resize((4032, 3024))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    out = io.BytesIO()
    pillow_heif.from_pillow(img).save(out, quality=60, exif=exif.tobytes())
    return out.getvalue()


async def test_iphone_heic_photo_scans_to_done(http):
    headers = await login(http, "mesh-iphone")
    data = iphone_heic(photo("wastenet9/textiles", 3))
    assert data[4:12] == b"ftypheic"
    created = await http.post(
        "/api/v1/scans", headers=headers, data=MAPO, files={"image": ("IMG_0001.HEIC", data, "image/heic")}
    )
    assert created.status_code == 202, created.text
    scan = await wait_finished(http, created.json()["status_url"], headers)
    assert scan["status"] == "done", scan
    # Rotated upright from orientation 6, the clothes are recognised as the JPEG original is.
    assert scan["result"]["category"]["code"] == "textiles"
    assert scan["result"]["disposal"]["steps"] and scan["result"]["nearby"]


def _outward_address() -> str:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 9))
        return probe.getsockname()[0]


async def test_services_of_up_listen_on_loopback_only(mesh):
    """Only this machine's processes reach the embedded default's gRPC ports."""
    outward = _outward_address()
    assert not outward.startswith("127."), outward
    for component in mesh.components:
        port = component.server.port
        with socket.socket() as local:
            local.connect(("127.0.0.1", port))
        with socket.socket() as remote, pytest.raises(OSError):
            remote.settimeout(2)
            remote.connect((outward, port))
