"""A protoc plugin for buf that generates Python stubs with grpcio-tools, offline.

buf hands us a CodeGeneratorRequest; we write its files as a descriptor set and run
grpc_tools' bundled protoc on it. Our own files are renamed under `protos/` first, so the
generated imports read `from protos.wastecoach... import ...` and resolve inside the one
installable `protos` package, without rewriting generated code afterwards.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc

PREFIX = "protos/"
OUT_FLAGS = {"python": "--python_out", "pyi": "--pyi_out", "grpc_python": "--grpc_python_out"}


def _prefixed(name: str) -> str:
    return PREFIX + name if name.startswith("wastecoach/") else name


def generate(request: plugin_pb2.CodeGeneratorRequest) -> plugin_pb2.CodeGeneratorResponse:
    response = plugin_pb2.CodeGeneratorResponse()
    response.supported_features = plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    flag = OUT_FLAGS.get(request.parameter)
    if flag is None:
        response.error = f"unknown output kind {request.parameter!r}; use one of {sorted(OUT_FLAGS)}"
        return response
    fds = descriptor_pb2.FileDescriptorSet()
    for proto in request.proto_file:
        copy = fds.file.add()
        copy.CopyFrom(proto)
        copy.name = _prefixed(proto.name)
        copy.dependency[:] = [_prefixed(d) for d in proto.dependency]
    targets = [_prefixed(name) for name in request.file_to_generate]
    with tempfile.TemporaryDirectory() as tmp:
        set_path = Path(tmp) / "set.bin"
        set_path.write_bytes(fds.SerializeToString())
        out = Path(tmp) / "out"
        out.mkdir()
        code = protoc.main(["protoc", f"--descriptor_set_in={set_path}", f"{flag}={out}", *targets])
        if code != 0:
            response.error = f"grpc_tools.protoc exited with {code}"
            return response
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            generated = response.file.add()
            generated.name = path.relative_to(out).as_posix()
            generated.content = path.read_text(encoding="utf-8")
    return response


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    sys.stdout.buffer.write(generate(request).SerializeToString())


if __name__ == "__main__":
    main()
