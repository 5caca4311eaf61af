"""Photos as phones save them: HEIC/HEIF (iPhone), WebP (Android shares), PNG (screenshots), JPEG
with an EXIF rotation; each recognised by its bytes and decoded upright."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from vision_images import encode

from vision.decode import load_image
from vision.formats import PHOTO_TYPES, sniff


def marked(w: int, h: int) -> Image.Image:
    """Grey with a red top-left corner, to see where the top-left ends up."""
    img = Image.new("RGB", (w, h), (128, 128, 128))
    img.paste((255, 0, 0), (0, 0, w // 4, h // 4))
    return img


def rotated_exif(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    return exif.tobytes()


def heic(img: Image.Image, exif: bytes) -> bytes:
    """Written with pillow-heif's own API: registering it with Pillow here would hide a decoder that
    forgot to."""
    import pillow_heif

    buf = io.BytesIO()
    pillow_heif.from_pillow(img).save(buf, quality=70, exif=exif)
    return buf.getvalue()


def red_corner(img: Image.Image) -> str:
    """Which corner of the decoded picture is red."""
    arr = np.asarray(img).astype(int)
    h, w, _ = arr.shape
    corners = {"top-left": arr[2, 2], "top-right": arr[2, w - 3], "bottom-left": arr[h - 3, 2]}
    found = [name for name, (r, g, b) in corners.items() if r > 200 and g < 80 and b < 80]
    assert len(found) == 1, corners
    return found[0]


def test_iphone_heic_is_decoded_upright() -> None:
    # An iPhone held upright stores a landscape picture and orientation 6 (rotate 90° clockwise).
    data = heic(marked(640, 480), exif=rotated_exif(6))
    assert sniff(data) == "image/heic"
    out = load_image(data)
    assert out.mode == "RGB" and out.size == (480, 640)
    assert red_corner(out) == "top-right"  # rotated once, not twice (pillow-heif resets the tag)


def test_webp_with_exif_rotation_is_upright() -> None:
    data = encode(marked(64, 32), "WEBP", quality=95, exif=rotated_exif(6))
    assert sniff(data) == "image/webp"
    out = load_image(data)
    assert out.size == (32, 64) and red_corner(out) == "top-right"


def test_png_and_rotated_jpeg() -> None:
    assert sniff(encode(marked(64, 32), "PNG")) == "image/png"
    assert red_corner(load_image(encode(marked(64, 32), "PNG"))) == "top-left"
    jpeg = encode(marked(64, 32), "JPEG", quality=95, exif=rotated_exif(8))
    out = load_image(jpeg)  # 8: rotate 90° counter-clockwise
    assert out.size == (32, 64) and red_corner(out) == "bottom-left"


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 32


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (ftyp(b"heix", b"mif1"), "image/heic"),
        (ftyp(b"mif1", b"mif1", b"heic"), "image/heif"),
        (ftyp(b"mif1", b"mif1", b"avif"), None),  # AVIF: no decoder for it here
        (ftyp(b"isom", b"mp41"), None),  # an MP4 video
    ],
)
def test_heif_brands(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_every_accepted_type_has_a_distinct_extension() -> None:
    assert {"image/heic", "image/heif", "image/webp", "image/png", "image/jpeg"} <= set(PHOTO_TYPES)
    assert len(set(PHOTO_TYPES.values())) == len(PHOTO_TYPES)
