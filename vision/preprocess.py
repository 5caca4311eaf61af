"""Image -> model input (numpy only). Shared by training-time feature extraction and inference."""

from __future__ import annotations

import numpy as np
from PIL import Image

IMAGE_SIZE = 224
CROP_MODES = ("squash", "center")


def to_model_input(
    image: Image.Image, *, mode: str = "squash", flip: bool = False, size: int = IMAGE_SIZE
) -> np.ndarray:
    """RGB PIL image -> float32 array (3, size, size) with raw 0..255 values (the ONNX graph normalises).

    "squash" resizes the whole frame to size x size (keeps objects that fill the frame intact);
    "center" resizes the short side to size * 8/7 (256 for 224) and crops the middle (ImageNet-style).
    """
    if mode == "squash":
        img = image.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=3.0)
    elif mode == "center":
        w, h = image.size
        scale = round(size * 8 / 7) / min(w, h)
        nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
        img = image.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=3.0)
        left, top = (nw - size) // 2, (nh - size) // 2
        img = img.crop((left, top, left + size, top + size))
    else:
        raise ValueError(f"unknown crop mode {mode!r}")
    if flip:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    arr = np.asarray(img, dtype=np.float32)
    return np.ascontiguousarray(arr.transpose(2, 0, 1))
