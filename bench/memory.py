"""Memory under hostile input: the pixel bomb and the big body of issue 15 (prints figures; not a test).

    python -m bench.memory [--body-mb 200]

1. Four ~190 KB PNGs of 6300 x 6300 RGBA pixels (160 MB each decoded) at once: `vision.decode.load_image`
   in four threads, as the worker's decode threads run it. Baseline in the same run: the decode the
   code did before, unbounded (whole image loaded, RGBA composited on white, then RGB; no slots).
2. A JSON body of --body-mb MB with no token to POST /api/v1/coach/ask, the edge served by uvicorn.
   Baseline: the same app without its BodyGate (FastAPI reads the body before the sign-in check).

Every case runs in a fresh process; the figure is that process's peak resident-set growth during the
case (VmHWM, reset through /proc/<pid>/clear_refs). Linux only.
"""

from __future__ import annotations

import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIDE = 6300
BOMBS = 4
TARGET_MB = 700  # the bound for four bombs at once


def _status_kib(pid: int | str, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))


def _reset_peak(pid: int | str) -> int:
    """Restarts the peak count of `pid`; returns its resident KiB now."""
    with open(f"/proc/{pid}/clear_refs", "w") as clear:
        clear.write("5")
    return _status_kib(pid, "VmRSS")


def bomb_png() -> bytes:
    """Transparent 6300 x 6300 RGBA with one opaque box, written row by row (the pixels are never held)."""
    clear = b"\x00" + bytes(4 * SIDE)
    boxed = b"\x00" + bytes(4 * 1000) + b"\x1e\x8c\x3c\xff" * 4000 + bytes(4 * (SIDE - 5000))
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(boxed if 1000 <= y < 5500 else clear) for y in range(SIDE)) + comp.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def unbounded_decode(data: bytes) -> None:
    """What vision.decode did before issue 15 for an RGBA PNG."""
    import io

    from PIL import Image, ImageOps

    img = Image.open(io.BytesIO(data))
    img.load()
    img = ImageOps.exif_transpose(img) or img
    rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    Image.alpha_composite(white, rgba).convert("RGB")


def child_bombs(variant: str) -> None:
    from vision.decode import load_image

    decode = load_image if variant == "bounded" else unbounded_decode
    data = bomb_png()
    before = _reset_peak("self")
    threads = [threading.Thread(target=decode, args=(data,)) for _ in range(BOMBS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print((_status_kib("self", "VmHWM") - before) // 1024, len(data))


def child_serve(variant: str, port: int) -> None:
    import uvicorn

    from edge.app import create_app
    from edge.body_gate import BodyGate
    from edge.clients import connect
    from mesh.events import InProcessEventBus
    from wastecoach.settings import Settings

    settings = Settings.from_env()  # no service runs: a request without a token needs none
    app = create_app(settings.mesh, settings.edge, connect(settings.mesh), InProcessEventBus())
    if variant == "ungated":
        app.user_middleware = [m for m in app.user_middleware if m.cls is not BodyGate]
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def big_body(variant: str, body_mb: int) -> tuple[int, str]:
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.memory", "--child", "serve", variant, str(port)], cwd=ROOT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{url}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        before = _reset_peak(server.pid)
        size = body_mb * 1024 * 1024
        head, tail, piece = b'{"question": "', b'"}', b"a" * (1024 * 1024)

        def body():
            yield head
            for _ in range((size - len(head) - len(tail)) // len(piece)):
                yield piece
            yield b"a" * ((size - len(head) - len(tail)) % len(piece)) + tail

        try:
            reply = httpx.post(
                f"{url}/api/v1/coach/ask",
                content=body(),
                headers={"Content-Type": "application/json", "Content-Length": str(size)},
                timeout=120,
            )
            outcome = f"{reply.status_code} {reply.headers.get('content-type', '')}"
        except httpx.TransportError as exc:  # the server answered early and closed while we were sending
            outcome = f"connection closed by the server ({type(exc).__name__})"
        grown = (_status_kib(server.pid, "VmHWM") - before) // 1024
        return grown, outcome
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--body-mb", type=int, default=200)
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args(argv)
    if args.child:
        if args.child[0] == "bombs":
            child_bombs(args.child[1])
        else:
            child_serve(args.child[1], int(args.child[2]))
        return 0
    if not os.path.exists("/proc/self/clear_refs"):
        raise SystemExit("needs Linux (/proc/<pid>/clear_refs)")

    print(f"memory under hostile input ({os.cpu_count()} CPUs)")
    peaks = {}
    for variant in ("unbounded", "bounded"):
        run = subprocess.run(
            [sys.executable, "-m", "bench.memory", "--child", "bombs", variant],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[variant], png_bytes = map(int, run.stdout.split())
    print(
        f"  pixel bomb, {BOMBS} x {png_bytes // 1000} KB PNG of {SIDE}x{SIDE} RGBA at once: "
        f"peak +{peaks['bounded']} MB  (baseline, unbounded decode: +{peaks['unbounded']} MB; "
        f"target +{TARGET_MB} MB)"
    )
    for variant in ("ungated", "gated"):
        grown, outcome = big_body(variant, args.body_mb)
        label = "baseline, no BodyGate" if variant == "ungated" else "with BodyGate"
        print(f"  big body, {args.body_mb} MB JSON without a token ({label}): peak +{grown} MB; {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
