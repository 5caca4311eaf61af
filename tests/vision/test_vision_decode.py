"""Bad and unusual inputs: every one ends as an RGB image or an ImageRejected, never a crash or hang."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from vision_images import encode, exif_rotated_jpeg, huge_png, photo, rgba_png

from vision.decode import load_image
from vision.types import ImageRejected


def rejected(data: bytes, **kw) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        load_image(data, **kw)
    assert info.value.reason.endswith(".") and info.value.reason[0].isupper()
    return info.value


def test_plain_jpeg_is_rgb() -> None:
    img = load_image(encode(photo()))
    assert img.mode == "RGB" and img.size == (320, 240)


def test_empty_file() -> None:
    assert rejected(b"").code == "empty"


def test_not_an_image() -> None:
    assert rejected(b"%PDF-1.7\n" + b"hello " * 100).code == "not_an_image"


def test_truncated_jpeg() -> None:
    data = encode(photo(640, 480), quality=95)
    assert rejected(data[: len(data) // 2]).code == "corrupt"


def test_truncated_png() -> None:
    data = encode(photo(), "PNG")
    assert rejected(data[: len(data) - 200]).code == "corrupt"


def test_too_many_bytes() -> None:
    assert rejected(encode(photo()), max_bytes=1000).code == "too_large"


def test_decompression_bomb_20000x20000_is_refused_quickly() -> None:
    data = huge_png()
    assert len(data) < 2_000_000
    t0 = time.perf_counter()
    assert rejected(data).code == "too_many_pixels"  # our explicit limit (50 MP)
    # With our limit lifted, Pillow's own DecompressionBombError must still be turned into a rejection.
    assert rejected(data, max_pixels=10**12).code == "too_many_pixels"
    assert time.perf_counter() - t0 < 2.0


def test_pixel_limit_is_explicit() -> None:
    assert rejected(encode(photo(400, 400)), max_pixels=100_000).code == "too_many_pixels"
    assert load_image(encode(photo(400, 400)), max_pixels=160_000).size == (400, 400)


def test_tiny_image() -> None:
    assert rejected(encode(Image.new("RGB", (8, 8)), "PNG")).code == "too_small"


def test_cmyk_jpeg_is_converted() -> None:
    img = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # pure red in CMYK
    out = load_image(encode(img, "JPEG", quality=95))
    assert out.mode == "RGB"
    r, g, b = np.asarray(out).reshape(-1, 3).mean(0)
    assert r > 200 and g < 60 and b < 60


def test_png_alpha_is_composited_on_white() -> None:
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))  # fully transparent black
    img.paste((0, 128, 0, 255), (0, 0, 32, 64))  # opaque green left half
    arr = np.asarray(load_image(encode(img, "PNG")))
    assert arr.shape == (64, 64, 3)
    assert (arr[:, 40:] == 255).all()  # transparent -> white, not black
    assert tuple(arr[10, 10]) == (0, 128, 0)


def test_palette_with_transparency() -> None:
    img = Image.new("P", (32, 32), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.paste(1, (0, 0, 16, 32))
    arr = np.asarray(load_image(encode(img, "GIF", transparency=0)))
    assert tuple(arr[0, 31]) == (255, 255, 255) and tuple(arr[0, 0]) == (255, 0, 0)


def test_16_bit_png_is_rescaled_not_clipped() -> None:
    grey16 = np.full((48, 48), 32768, dtype=np.uint16)
    img = Image.fromarray(grey16)
    assert img.mode.startswith("I;16")
    arr = np.asarray(load_image(encode(img, "PNG")))
    assert arr.shape == (48, 48, 3) and 120 <= arr.mean() <= 136  # mid grey, not saturated white


def test_exif_orientation_is_applied() -> None:
    out = load_image(exif_rotated_jpeg(64, 32, orientation=6))
    assert out.size == (32, 64)  # rotated 90 degrees clockwise
    arr = np.asarray(out).astype(int)
    assert arr[5, 16, 2] > 150  # the blue (left) half is now on top


def test_greyscale_and_bilevel_become_rgb() -> None:
    assert load_image(encode(Image.new("L", (40, 40), 90), "PNG")).mode == "RGB"
    assert load_image(encode(Image.new("1", (40, 40), 1), "PNG")).mode == "RGB"


def test_big_jpeg_uses_draft_decoding() -> None:
    data = encode(photo(4000, 3000), quality=80)
    t0 = time.perf_counter()
    img = load_image(data)
    assert time.perf_counter() - t0 < 1.0
    assert img.mode == "RGB" and 448 <= min(img.size) < 1500  # DCT-scaled, still above model size


def test_webp_and_garbage_after_header() -> None:
    assert load_image(encode(photo(), "WEBP")).mode == "RGB"
    assert rejected(b"\xff\xd8\xff\xe0" + b"\x00" * 50).code in ("corrupt", "not_an_image")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_other_formats(fmt: str) -> None:
    buf = io.BytesIO()
    photo(100, 80).save(buf, format=fmt)
    assert load_image(buf.getvalue()).size == (100, 80)


def test_phone_camera_resolution_is_accepted_and_more_is_refused() -> None:
    # 8160 x 6120 is what 50 MP phone cameras save in their full-resolution mode.
    out = load_image(huge_png(8160, 6120))
    assert out.mode == "RGB" and 448 <= min(out.size) < 896  # reduced while decoding
    assert rejected(huge_png(8200, 6200)).code == "too_many_pixels"  # refused from the header alone


def test_big_transparent_png_is_reduced_on_white() -> None:
    """The attack's pixel bomb: ~190 KB on disk, 6300 x 6300 RGBA (160 MB) decoded."""
    green = (30, 140, 60, 255)
    data = rgba_png(6300, 6300, (1000, 1000, 5000, 5500), green)
    assert len(data) < 250_000
    out = load_image(data)
    assert out.mode == "RGB" and out.size == (450, 450)  # 6300 // 448 = 14 times smaller, not 6300 x 6300
    arr = np.asarray(out)
    assert tuple(arr[20, 20]) == (255, 255, 255) and tuple(arr[200, 200]) == green[:3]


def test_reduction_in_bands_equals_reducing_the_whole_image() -> None:
    rng = np.random.default_rng(1)
    small = rng.integers(0, 255, (45, 60, 4), dtype=np.uint8)  # colour and partial alpha
    img = Image.fromarray(small, "RGBA").resize((2402, 1801), Image.Resampling.BILINEAR)
    out = load_image(encode(img, "PNG"))
    white = Image.new("RGBA", img.size, (255, 255, 255, 255))
    expected = Image.alpha_composite(white, img).convert("RGB").reduce(1801 // 448)
    assert out.size == expected.size == (601, 451)  # the partial last row and column blocks included
    diff = np.abs(np.asarray(out, dtype=int) - np.asarray(expected, dtype=int))
    assert diff.max() <= 1


_PEAK_OF_FOUR = """
import sys, threading
from vision.decode import load_image
def peak_kib():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
data = open(sys.argv[1], "rb").read()
before = peak_kib()
open("/proc/self/clear_refs", "w").write("5")  # restart the peak count from here
threads = [threading.Thread(target=load_image, args=(data,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(max(peak_kib() - before, 0) // 1024)
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux peak-RSS accounting")
def test_four_pixel_bombs_at_once_add_less_than_700_mb(tmp_path: Path) -> None:
    """The issue's bound, measured in a fresh process: the peak resident size while four 160 MB
    decodes run at once (each alone needs 160 MB; unbounded, four took 1.4 to 3 GB)."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(rgba_png(6300, 6300, (1000, 1000, 5000, 5500), (30, 140, 60, 255)))
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_FOUR, str(bomb)], cwd=root, capture_output=True, text=True, check=True
    )
    assert int(run.stdout) < 700, run.stdout
