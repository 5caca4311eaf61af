"""Generators for test images (good and bad), built in memory."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(img: Image.Image, fmt: str = "JPEG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def photo(w: int = 320, h: int = 240, seed: int = 0) -> Image.Image:
    """A smooth random RGB picture (compresses like a photo, not like noise)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (max(h // 16, 2), max(w // 16, 2), 3), dtype=np.uint8)
    return Image.fromarray(small).resize((w, h), Image.Resampling.BILINEAR)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def huge_png(w: int = 20000, h: int = 20000) -> bytes:
    """A valid 1-bit PNG of w x h white pixels: tiny file, hundreds of megapixels when decoded."""
    row = b"\x00" + b"\xff" * ((w + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def exif_rotated_jpeg(w: int = 64, h: int = 32, orientation: int = 6) -> bytes:
    img = Image.new("RGB", (w, h), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, w // 2, h))  # left half blue, to check the direction
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(img, "JPEG", exif=exif.tobytes(), quality=95)


def rgba_png(w: int, h: int, box: tuple[int, int, int, int], rgba: tuple[int, int, int, int]) -> bytes:
    """A valid 8-bit RGBA PNG, transparent but for one box of colour `rgba`, written row by row: a
    6300 x 6300 one is ~190 KB on disk and 160 MB decoded, without the test ever holding the pixels."""
    left, top, right, bottom = box
    clear = b"\x00" + b"\x00\x00\x00\x00" * w
    boxed = (
        b"\x00"
        + b"\x00\x00\x00\x00" * left
        + bytes(rgba) * (right - left)
        + b"\x00\x00\x00\x00" * (w - right)
    )
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(boxed if top <= y < bottom else clear) for y in range(h)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )
