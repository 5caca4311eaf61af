"""A scan job retried after an outage of a later step reuses its prediction: the cloud is paid once."""

from __future__ import annotations

import grpc
import pytest

from consumers.scan_job import ScanDeps, process_scan
from mesh.job_messages import ScanJob
from mesh.jobs import JobContext
from protos.wastecoach.coach.v1 import coach_pb2
from protos.wastecoach.users.v1 import users_pb2
from protos.wastecoach.waste.v1 import waste_pb2
from vision.types import Prediction


class Unavailable(grpc.aio.AioRpcError):
    def __init__(self) -> None:
        super().__init__(grpc.StatusCode.UNAVAILABLE, grpc.aio.Metadata(), grpc.aio.Metadata(), "coach down")


class Waste:
    def __init__(self) -> None:
        self.scan = waste_pb2.Scan(scan_id="s1", user_id="u1")
        self.completed = 0

    async def StartProcessing(self, request, metadata=None):
        return waste_pb2.StartProcessingResponse(scan=self.scan, image=b"jpeg")

    async def CompleteScan(self, request, metadata=None):
        self.completed += 1
        return waste_pb2.CompleteScanResponse(scan=self.scan)

    async def FailScan(self, request, metadata=None):
        raise AssertionError("an outage must not fail the scan")


class Coach:
    def __init__(self, down_for: int) -> None:
        self.down_for = down_for

    async def Clarify(self, request, metadata=None):
        if self.down_for:
            self.down_for -= 1
            raise Unavailable()
        return coach_pb2.ClarifyResponse()


class Users:
    async def GetProfile(self, request, metadata=None):
        return users_pb2.GetProfileResponse()

    async def RecordScan(self, request, metadata=None):
        return users_pb2.RecordScanResponse()


class CloudVision:
    calls = 0

    async def classify(self, data, hint=None):
        self.calls += 1
        probs = {"glass": 0.9, "plastic": 0.1}
        return Prediction(
            "glass", "glass", "glass bottle", "유리병", "glass", 0.9, (), False, "openai", "gpt-4o", {}, probs
        )


def _ctx(attempt: int, outages: int) -> JobContext:
    return JobContext("q.ai", "m1", attempt, final=False, outages=outages, outage_retries=40)


async def test_retries_after_an_outage_reuse_the_prediction():
    waste, vision = Waste(), CloudVision()
    deps = ScanDeps(waste=waste, coach=Coach(down_for=2), locations=None, users=Users(), vision=vision)
    for outages in (0, 1):
        with pytest.raises(grpc.aio.AioRpcError):
            await process_scan(ScanJob(scan_id="s1"), _ctx(1, outages), deps)
    await process_scan(ScanJob(scan_id="s1"), _ctx(1, 2), deps)
    assert vision.calls == 1 and waste.completed == 1
    assert "s1" not in deps.predictions  # forgotten once stored


async def test_a_fresh_delivery_classifies_again():
    # A new job for the same scan (e.g. re-classification with a new model) never reuses an old answer.
    waste, vision = Waste(), CloudVision()
    deps = ScanDeps(waste=waste, coach=Coach(down_for=1), locations=None, users=Users(), vision=vision)
    with pytest.raises(grpc.aio.AioRpcError):
        await process_scan(ScanJob(scan_id="s1"), _ctx(1, 0), deps)
    await process_scan(ScanJob(scan_id="s1"), _ctx(2, 0), deps)
    assert vision.calls == 2
