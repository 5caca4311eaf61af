"""The embedded default's image folder reads with the same cap as S3."""

import pytest

from mesh.errors import InvalidInput
from svc_waste.domain import MAX_IMAGE_BYTES
from svc_waste.storage import LocalImageStore
from tests.waste.test_lifecycle_servicer import jpeg


async def test_an_image_over_the_cap_is_refused_not_read(tmp_path):
    store = LocalImageStore(tmp_path)
    await store.put("scans/ana/fits.jpg", jpeg(), "image/jpeg")
    big = tmp_path / "scans" / "ana" / "big.jpg"
    with big.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(MAX_IMAGE_BYTES + 1)  # sparse: one byte over the cap
    with pytest.raises(InvalidInput, match="larger than"):
        await store.get("scans/ana/big.jpg")
    assert await store.get("scans/ana/fits.jpg") == jpeg()
