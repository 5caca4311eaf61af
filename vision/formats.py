"""The photo formats the vision stage decodes, by content type: the one list that presigned uploads,
CreateScan and the REST schema accept. Pure data and byte checks, so any layer may import it."""

from __future__ import annotations

# Content type -> file extension of the stored photo. HEIC/HEIF is what iPhones (and many Android
# phones) save by default; WebP what Android shares; GIF, BMP and TIFF were always accepted.
PHOTO_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
}
PHOTO_NAMES = "JPEG, PNG, WebP, HEIC/HEIF, GIF, BMP or TIFF"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# ISO base media file brands (the `ftyp` box) of HEVC-coded still images. The generic HEIF brands
# (`mif1`, `msf1`) are on AVIF files too, which the decoder here cannot read: they need an HEVC brand.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})


def sniff(data: bytes) -> str | None:
    """The content type from the bytes themselves (a client's Content-Type is not trusted), or None."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        size = int.from_bytes(data[:4], "big")
        box = data[8 : min(max(size, 16), 256)]
        brands = {box[0:4]} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
        if box[0:4] in _HEIC_BRANDS:
            return "image/heic"
        if brands & _HEIC_BRANDS:
            return "image/heif"  # a generic major brand, HEVC among the compatible ones
    return None
