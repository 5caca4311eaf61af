"""Bytes -> RGB PIL image, defensively: every bad input becomes ImageRejected, never a crash or hang.

Memory is bounded too: a small file can describe a huge picture (a 150 KB PNG of 6300 x 6300 RGBA
pixels is 160 MB decoded). Such a picture is decoded once at full size, by at most DECODE_SLOTS
threads at a time, and shrunk band by band, so no second full-size copy is ever made.
"""

from __future__ import annotations

import contextlib
import functools
import io
import threading
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from vision.types import ImageRejected

# Images are decoded at reduced scale down to at least this size (JPEGs by DCT scaling, others by
# integer box reduction): the model needs 224 px, and a 12-megapixel photo decodes several times faster.
DRAFT_SIZE = (448, 448)
MIN_SIDE = 16
# Phone cameras save up to 50 MP in their full-resolution modes (8160 x 6120); beyond that a
# "photo" is a decompression bomb.
MAX_PIXELS = 50_000_000
# A decode above this many pixels holds one of the DECODE_SLOTS; drafted phone JPEGs stay far below.
BIG_DECODE_PIXELS = 4_000_000
DECODE_SLOTS = 2
# Pixels per band while shrinking: each band's working copies take a few MB.
BAND_PIXELS = 1 << 20

_ORIENTATION = {  # EXIF orientation -> the transpose that makes the picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@functools.cache
def _heif_support() -> None:
    """HEIC/HEIF (iPhone photos) through pillow-heif, registered with Pillow on first use. It applies
    the file's rotation while decoding and resets the EXIF orientation to 1, so it is not applied twice."""
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=True, depth_images=False, aux_images=False)


@functools.cache
def decode_slots() -> threading.BoundedSemaphore:
    """Process-wide: the vision worker and the cloud path decode in several threads at once."""
    return threading.BoundedSemaphore(DECODE_SLOTS)


def load_image(data: bytes, *, max_bytes: int = 15_000_000, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an uploaded photo to an RGB image, EXIF orientation applied, short side reduced towards
    DRAFT_SIZE (never below it). Raises ImageRejected."""
    if not data:
        raise ImageRejected("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", f"The file is larger than {max_bytes // 1_000_000} MB.")
    _heif_support()
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning as a rejection.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            # The header gives the size before any pixel is decoded: refuse bombs here, with our own limit.
            w, h = img.size
            if w * h > max_pixels:
                raise ImageRejected("too_many_pixels", "The image has too many pixels.")
            if min(w, h) < MIN_SIDE:
                raise ImageRejected("too_small", "The image is too small to recognise anything.")
            if img.format in ("JPEG", "HEIF"):
                # JPEG: DCT scaling; HEIF: an embedded thumbnail, where one is at least DRAFT_SIZE.
                img.draft("RGB", DRAFT_SIZE)
            big = img.size[0] * img.size[1] > BIG_DECODE_PIXELS
            with decode_slots() if big else contextlib.nullcontext():
                try:
                    img.load()
                    orientation = _orientation(img)
                    small = _shrink_to_rgb(img)
                finally:
                    if big:  # frees the full-size pixels before the slot is given back
                        img.close()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("too_many_pixels", "The image has too many pixels.") from exc
        except UnidentifiedImageError as exc:
            raise ImageRejected("not_an_image", "The file is not a supported image.") from exc
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            # Pillow reports truncated or corrupt data as OSError ("image file is truncated") and friends.
            raise ImageRejected("corrupt", "The image is damaged or incomplete.") from exc
    method = _ORIENTATION.get(orientation)
    return small.transpose(method) if method is not None else small


def _orientation(img: Image.Image) -> int | None:
    try:
        return img.getexif().get(0x0112)
    except Exception:  # a broken EXIF block must not lose an otherwise fine photo
        return None


def _shrink_to_rgb(img: Image.Image) -> Image.Image:
    """RGB, reduced by an integer factor that keeps the short side at DRAFT_SIZE or more. Large
    images go through in bands of rows, so only band-sized copies exist beside the decoded one."""
    w, h = img.size
    top = _grey_top(img)
    factor = max(1, min(w, h) // DRAFT_SIZE[0])
    if factor == 1 and w * h <= BAND_PIXELS:
        return _to_rgb(img, top)
    out = Image.new("RGB", (-(-w // factor), -(-h // factor)))
    # Band heights are multiples of the factor, so the bands reduce exactly as the whole would.
    rows = max(1, BAND_PIXELS // (w * factor)) * factor
    for y in range(0, h, rows):
        band = _to_rgb(img.crop((0, y, w, min(y + rows, h))), top)
        out.paste(band.reduce(factor), (0, y // factor))
    return out


def _grey_top(img: Image.Image) -> float | None:
    """The value that maps to white for 16/32-bit greyscale, from the whole image (not per band)."""
    if img.mode.startswith("I;16"):
        return 65535.0
    if img.mode == "I":
        return 65535.0 if img.getextrema()[1] > 255 else 255.0
    if img.mode == "F":
        return max(float(img.getextrema()[1]), 1e-6)
    return None


def _to_rgb(img: Image.Image, top: float | None) -> Image.Image:
    if img.mode == "RGB":
        return img
    if top is not None:
        # 16-bit/32-bit greyscale: Pillow's convert would clip to 255 (all white); rescale instead.
        arr = np.asarray(img, dtype=np.float32)
        grey = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    if img.mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
    if img.mode in ("RGBA", "LA", "RGBa", "La", "PA"):
        # Transparent areas would read as black: composite on white, like a product photo.
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")  # CMYK, YCbCr, L, 1, LAB, HSV ...
