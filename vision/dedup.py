"""Near-duplicate grouping by a perceptual hash that ignores flips and 90-degree rotations.

wastenet9 re-uses TrashNet photos (resized, some flipped or rotated). Splitting by file would put
copies of one photo on both sides of the train/test line and inflate accuracy, so we split by
groups of near-identical content instead.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

HASH_SIDE = 32  # grey thumbnail side for the DCT
HASH_BITS = 8  # low-frequency block side -> 64-bit hash


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return m


def dihedral_phashes(image: Image.Image) -> np.ndarray:
    """pHash (DCT, 64 bits) of the image under all 8 flips/rotations -> uint64 array of shape (8,)."""
    grey = np.asarray(
        image.convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.BOX), dtype=np.float64
    )
    d = _dct_matrix(HASH_SIDE)
    out = np.empty(8, dtype=np.uint64)
    weights = (np.uint64(1) << np.arange(64, dtype=np.uint64)).reshape(8, 8)
    for i in range(8):
        g = np.rot90(grey, i % 4)
        if i >= 4:
            g = g[:, ::-1]
        low = (d @ g @ d.T)[:HASH_BITS, :HASH_BITS]
        bits = low > np.median(low.ravel()[1:])  # skip DC, as usual for pHash
        out[i] = np.bitwise_or.reduce(np.where(bits, weights, np.uint64(0)).ravel())
    return out


def min_distances(hashes: np.ndarray, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """For each image, its nearest other image under any dihedral transform: (index, Hamming distance)."""
    n = len(hashes)
    best_d = np.full(n, 65, dtype=np.int64)
    best_j = np.full(n, -1, dtype=np.int64)
    base = hashes[:, 0]
    for s in range(0, n, chunk):
        a = hashes[s : s + chunk]  # (c, 8)
        dist = np.bitwise_count(a[:, :, None] ^ base[None, None, :]).min(axis=1).astype(np.int64)  # (c, n)
        idx = np.arange(s, min(s + chunk, n))
        dist[idx - s, idx] = 99
        j = dist.argmin(axis=1)
        best_j[idx] = j
        best_d[idx] = dist[np.arange(len(idx)), j]
    return best_j, best_d


def group_near_duplicates(
    hashes: np.ndarray,
    threshold: int = 4,
    *,
    features: np.ndarray | None = None,
    loose_threshold: int = 10,
    min_cos: float = 0.9,
    chunk: int = 512,
) -> np.ndarray:
    """Union-find over near-duplicate pairs -> group id per image.

    A pair is a near-duplicate when its dihedral-min Hamming distance is <= `threshold`, or, given
    `features`, when it is <= `loose_threshold` and the feature cosine is >= `min_cos` (the same
    object re-shot a little differently: pHash alone drifts a few bits there).
    """
    n = len(hashes)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    unit = None
    if features is not None:
        unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    base = hashes[:, 0]
    for s in range(0, n, chunk):
        a = hashes[s : s + chunk]
        dist = np.bitwise_count(a[:, :, None] ^ base[None, None, :]).min(axis=1)
        close = dist <= threshold
        if unit is not None:
            maybe = (dist <= loose_threshold) & ~close
            rows, cols = np.nonzero(maybe)
            cos = np.einsum("ij,ij->i", unit[rows + s], unit[cols])
            close[rows[cos >= min_cos], cols[cos >= min_cos]] = True
        rows, cols = np.nonzero(close)
        for r, c in zip(rows + s, cols, strict=True):
            if r < c:
                ra, rb = find(int(r)), find(int(c))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(n)])
