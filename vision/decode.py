"""Bytes -> RGB PIL image, defensively: every bad input becomes ImageRejected, never a crash or hang."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from vision.types import ImageRejected

# JPEGs are decoded at reduced scale (DCT scaling) down to at least this size: the model needs 224 px,
# and a 12-megapixel phone photo then decodes several times faster.
DRAFT_SIZE = (448, 448)
MIN_SIDE = 16


def load_image(data: bytes, *, max_bytes: int = 15_000_000, max_pixels: int = 40_000_000) -> Image.Image:
    """Decode an uploaded photo to an RGB image, EXIF orientation applied. Raises ImageRejected."""
    if not data:
        raise ImageRejected("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", f"The file is larger than {max_bytes // 1_000_000} MB.")
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
            if img.format == "JPEG":
                img.draft("RGB", DRAFT_SIZE)
            img.load()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("too_many_pixels", "The image has too many pixels.") from exc
        except UnidentifiedImageError as exc:
            raise ImageRejected("not_an_image", "The file is not a supported image.") from exc
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            # Pillow reports truncated or corrupt data as OSError ("image file is truncated") and friends.
            raise ImageRejected("corrupt", "The image is damaged or incomplete.") from exc
    try:
        img = ImageOps.exif_transpose(img) or img
    except Exception:  # a broken EXIF block must not lose an otherwise fine photo
        pass
    return _to_rgb(img)


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit/32-bit greyscale: Pillow's convert would clip to 255 (all white); rescale instead.
        arr = np.asarray(img, dtype=np.float32)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
        if img.mode == "F":
            top = max(float(arr.max(initial=0)), 1e-6)
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
