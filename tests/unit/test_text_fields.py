"""The NUL check every RPC runs on its request: strings at any depth, but never bytes."""

from mesh.text_fields import nul_field
from protos.wastecoach.locations.v1.locations_pb2 import DropOff
from protos.wastecoach.waste.v1 import waste_pb2 as pb


def test_clean_requests_pass_and_bytes_may_hold_nul():
    assert nul_field(pb.CreateScanRequest(image=b"\x00\x00", hint="컵 a\tb")) is None
    assert nul_field(pb.GetScanRequest()) is None


def test_nul_is_found_in_plain_nested_repeated_and_map_fields():
    assert nul_field(pb.CreateScanRequest(hint="a\x00")) == "hint"
    result = pb.ScanResult(item="bottle", coaching=["rinse", "crush\x00"])
    assert nul_field(pb.CompleteScanRequest(scan_id="s", result=result)) == "result.coaching"
    nearby = pb.ScanResult(drop_offs=[DropOff(id="p1"), DropOff(id="p2", accepts=["pet", "\x00"])])
    assert nul_field(pb.CompleteScanRequest(result=nearby)) == "result.drop_offs.accepts"
    assert nul_field(pb.CreateUploadResponse(headers={"x-amz-meta": "a\x00"})) == "headers"
    assert nul_field(pb.CreateUploadResponse(headers={"k\x00": "v"})) == "headers"
