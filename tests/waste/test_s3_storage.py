"""Direct uploads through presigned S3 PUTs, against a real S3-compatible server (moto) on loopback."""

import socket
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import boto3
import grpc
import httpx
import pytest

from mesh.errors import InvalidInput
from mesh.events import InProcessEventBus
from mesh.jobs import InProcessBroker
from mesh.settings import MeshSettings
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.domain import MAX_IMAGE_BYTES
from svc_waste.s3 import S3ImageStore
from svc_waste.settings import WasteSettings
from tests.support import running, user
from tests.waste.test_lifecycle_servicer import jpeg
from vision.formats import PHOTO_TYPES


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url, timeout=0.5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto server did not start")
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture
async def s3_stub(s3_endpoint, data_dir, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    bucket = f"images-{time.time_ns()}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    settings = WasteSettings(s3_bucket=bucket, s3_region="us-east-1", s3_endpoint_url=s3_endpoint)
    broker = InProcessBroker()
    async with running(
        build(MeshSettings(data_dir=data_dir), settings, publisher=broker, events=InProcessEventBus())
    ) as channel:
        yield waste_pb2_grpc.WasteServiceStub(channel)


async def test_presigned_upload_then_scan(s3_stub):
    ticket = await s3_stub.CreateUpload(
        pb.CreateUploadRequest(content_type="image/jpeg", size=len(jpeg())), metadata=user("ana")
    )
    assert ticket.image_key.startswith("uploads/ana/")
    async with httpx.AsyncClient() as http:
        put = await http.put(ticket.upload_url, content=jpeg(), headers=dict(ticket.headers))
    assert put.status_code == 200
    scan = await s3_stub.CreateScan(pb.CreateScanRequest(image_key=ticket.image_key), metadata=user("ana"))
    assert scan.created and scan.scan.image_key == ticket.image_key
    # Another user cannot claim ana's upload.
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s3_stub.CreateScan(pb.CreateScanRequest(image_key=ticket.image_key), metadata=user("eve"))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_scan_of_a_key_never_uploaded_is_not_found(s3_stub):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s3_stub.CreateScan(
            pb.CreateScanRequest(image_key="uploads/ana/nothing.jpg"), metadata=user("ana")
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_upload_request_validation(s3_stub):
    for request in (
        pb.CreateUploadRequest(content_type="application/pdf", size=10),
        pb.CreateUploadRequest(content_type="image/png", size=0),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await s3_stub.CreateUpload(request, metadata=user("ana"))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_presigned_put_is_bound_to_the_declared_size(s3_stub):
    ticket = await s3_stub.CreateUpload(
        pb.CreateUploadRequest(content_type="image/jpeg", size=1000), metadata=user("ana")
    )
    # S3 checks signed headers: a body of any other length than 1000 bytes is refused there.
    signed = parse_qs(urlsplit(ticket.upload_url).query)["X-Amz-SignedHeaders"][0].split(";")
    assert "content-length" in signed
    assert ticket.headers["Content-Length"] == "1000"


async def test_an_upload_over_the_cap_is_refused(s3_stub):
    ticket = await s3_stub.CreateUpload(
        pb.CreateUploadRequest(content_type="image/jpeg", size=1000), metadata=user("ana")
    )
    # moto does not check signatures, so the oversized PUT lands: as if S3 had been bypassed.
    async with httpx.AsyncClient() as http:
        put = await http.put(
            ticket.upload_url,
            content=b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES),
            headers={"Content-Type": "image/jpeg"},
        )
    assert put.status_code == 200
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await s3_stub.CreateScan(pb.CreateScanRequest(image_key=ticket.image_key), metadata=user("ana"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "larger than" in err.value.details()


async def test_store_reads_no_byte_of_an_object_over_the_cap(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    bucket = f"images-{time.time_ns()}"
    store = S3ImageStore(bucket, "us-east-1", endpoint_url=s3_endpoint)
    store.client.create_bucket(Bucket=bucket)
    await store.put("uploads/ana/big.jpg", b"\xff\xd8\xff" + bytes(2000), "image/jpeg")
    await store.put("uploads/ana/fits.jpg", jpeg(), "image/jpeg")
    await store.put("uploads/ana/empty.jpg", b"", "image/jpeg")
    reads: list[dict] = []
    store.client.meta.events.register("before-call.s3.GetObject", lambda params, **_: reads.append(params))
    with pytest.raises(InvalidInput):
        await store.get("uploads/ana/big.jpg", max_bytes=1000)
    assert reads == []  # refused on its HEAD: the body was never requested
    assert await store.get("uploads/ana/fits.jpg") == jpeg()
    assert reads[0]["headers"]["Range"] == f"bytes=0-{MAX_IMAGE_BYTES}"  # and the read itself is capped
    assert await store.get("uploads/ana/empty.jpg") == b""


async def test_presign_takes_every_photo_type_a_scan_takes(s3_stub):
    # One list (vision/formats.py) for presigned uploads and CreateScan: an iPhone's HEIC included.
    for content_type, ext in PHOTO_TYPES.items():
        ticket = await s3_stub.CreateUpload(
            pb.CreateUploadRequest(content_type=content_type, size=1000), metadata=user("ana")
        )
        assert ticket.image_key.endswith(f".{ext}")
        assert ticket.headers["Content-Type"] == content_type
    heic = ftyp_heic()
    ticket = await s3_stub.CreateUpload(
        pb.CreateUploadRequest(content_type="image/heic", size=len(heic)), metadata=user("ana")
    )
    async with httpx.AsyncClient() as http:
        put = await http.put(ticket.upload_url, content=heic, headers=dict(ticket.headers))
    assert put.status_code == 200
    scan = await s3_stub.CreateScan(pb.CreateScanRequest(image_key=ticket.image_key), metadata=user("ana"))
    assert scan.created


def ftyp_heic() -> bytes:
    """The first bytes of an iPhone HEIC (its `ftyp` box): all the door checks."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100


async def test_listing_pages_by_start_after(s3_endpoint, monkeypatch):
    """The orphan sweep's paging on real S3 semantics: key order, StartAfter, a bounded page."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    bucket = f"paging-{time.time_ns()}"
    store = S3ImageStore(bucket, "ap-northeast-2", s3_endpoint)
    store.client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"}
    )
    keys = [f"scans/u/{n:02d}.jpg" for n in range(5)]
    for key in reversed(keys):
        await store.put(key, b"x", "image/jpeg")
    first = [key for key, _ in await store.list("scans/", "", 2)]
    rest = [key for key, _ in await store.list("scans/", first[-1], 10)]
    assert (first, rest) == (keys[:2], keys[2:])
