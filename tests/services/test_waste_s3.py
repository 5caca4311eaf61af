"""Direct uploads through presigned S3 PUTs, against a real S3-compatible server (moto) on loopback."""

import socket
import subprocess
import sys
import time

import boto3
import grpc
import httpx
import pytest

from mesh.events import InProcessEventBus
from mesh.jobs import InProcessBroker
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste.component import build
from svc_waste.settings import WasteSettings
from tests.services.test_waste_servicer import jpeg
from tests.support import running, user


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
    settings = WasteSettings(
        data_dir=data_dir, s3_bucket=bucket, s3_region="us-east-1", s3_endpoint_url=s3_endpoint
    )
    broker = InProcessBroker()
    async with running(build(settings, publisher=broker, events=InProcessEventBus())) as channel:
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
