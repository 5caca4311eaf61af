"""Image -> model input (numpy only). Shared by training-time feature extraction and inference."""

from __future__ import annotations

import numpy as np
from PIL import Image

IMAGE_SIZE = 224
CROP_MODES = ("squash", "center")


def to_model_input(image: Image.Image, *, mode: str = "squash", flip: bool = False) -> np.ndarray:
    """RGB PIL image -> float32 array (3, 224, 224) with raw 0..255 values (the ONNX graph normalises).

    "squash" resizes the whole frame to 224x224 (keeps objects that fill the frame intact);
    "center" resizes the short side to 256 and crops the middle 224x224 (ImageNet-style).
    """
    if mode == "squash":
        img = image.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR, reducing_gap=3.0)
    elif mode == "center":
        w, h = image.size
        scale = 256 / min(w, h)
        nw, nh = max(IMAGE_SIZE, round(w * scale)), max(IMAGE_SIZE, round(h * scale))
        img = image.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=3.0)
        left, top = (nw - IMAGE_SIZE) // 2, (nh - IMAGE_SIZE) // 2
        img = img.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))
    else:
        raise ValueError(f"unknown crop mode {mode!r}")
    if flip:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    arr = np.asarray(img, dtype=np.float32)
    return np.ascontiguousarray(arr.transpose(2, 0, 1))
