"""The bundled on-device classifier on real photos; import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from vision_images import encode, exif_rotated_jpeg, photo

from vision.classifier import OnDeviceClassifier
from vision.decode import load_image
from vision.evidence import BLIND
from vision.labels import CATEGORY_CODES, DATASET_LABEL_MAP, LABELS
from vision.types import ImageRejected, Prediction

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"

# (data set, class folder) pairs the model should get right on typical photos.
CASES = [
    ("trashnet", "cardboard"),
    ("trashnet", "glass"),
    ("trashnet", "metal"),
    ("wastenet9", "textiles"),
    ("wastenet9", "organic_waste"),
    ("wastenet9", "carton"),
]


@pytest.fixture(scope="module")
def clf() -> OnDeviceClassifier:
    return OnDeviceClassifier(threads=1)


def real_photos(dataset: str, cls: str, n: int) -> list[bytes]:
    folder = DATASETS / dataset / cls
    # A missing data set is a broken checkout, not a reason to skip: fail loudly.
    assert folder.is_dir(), f"data set photos missing at {folder}"
    return [p.read_bytes() for p in sorted(folder.glob("*.jpg"))[:n]]


def test_real_photos_are_classified(clf: OnDeviceClassifier) -> None:
    hits = total = 0
    for dataset, cls in CASES:
        expected = LABELS[DATASET_LABEL_MAP[dataset][cls]].category
        preds = clf.classify_batch(real_photos(dataset, cls, 4))
        hits += sum(p.category == expected for p in preds)
        total += len(preds)
    assert hits / total >= 0.8, f"{hits}/{total}"


def test_prediction_contract(clf: OnDeviceClassifier) -> None:
    (data,) = real_photos("trashnet", "glass", 1)
    p = clf.classify(data)
    assert isinstance(p, Prediction)
    assert p.provider == "on_device" and p.model == clf.model_version and p.flags == {}
    assert p.label in LABELS and p.category == LABELS[p.label].category
    assert p.item == LABELS[p.label].item and p.item_ko == LABELS[p.label].item_ko
    assert set(p.category_probs) == set(CATEGORY_CODES)
    assert sum(p.category_probs.values()) == pytest.approx(1.0, abs=1e-4)
    assert p.confidence == pytest.approx(p.category_probs[p.category])
    assert len(p.alternatives) == 3 and p.alternatives[0][0] == p.category
    probs = [a[1] for a in p.alternatives]
    assert probs == sorted(probs, reverse=True)
    assert p.needs_confirmation == (p.confidence < clf.head.threshold or bool(p.evidence))
    # The datasets cannot tell these apart, so the head never claims them; only ImageNet evidence
    # may offer one as a choice.
    for code in ("clear_pet", "vinyl", "styrofoam", "battery", "lamp", "small_electronics"):
        assert p.category_probs[code] == 0.0 or code in p.evidence


def test_shipped_graph_carries_the_imagenet_classifier(clf: OnDeviceClassifier) -> None:
    from vision.preprocess import to_model_input

    clf.head  # noqa: B018 (loads the head and its extractor)
    photos = [load_image(d) for d in real_photos("trashnet", "glass", 6)]
    features, imagenet = clf._extractor.run(np.stack([to_model_input(p) for p in photos]))
    assert features.shape[0] == imagenet.shape[0] == 6 and imagenet.shape[1] == 1000
    bottles = {440, 737, 898, 907}  # beer, pop, water, wine bottle
    top5 = np.argsort(-imagenet, axis=1)[:, :5]
    assert sum(bool(bottles & set(row.tolist())) for row in top5) >= 4


def test_evidence_adds_a_choice_but_keeps_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    photos = real_photos("trashnet", "cardboard", 3)
    plain = OnDeviceClassifier().classify_batch(photos)
    eager = OnDeviceClassifier()
    # Any evidence at all adds its category.
    monkeypatch.setattr(eager.head, "evidence_min", dict.fromkeys(BLIND, 0.0))
    seen = eager.classify_batch(photos)
    for a, b in zip(plain, seen, strict=True):
        assert a.category == b.category and not a.evidence
        (code,) = b.evidence
        assert b.needs_confirmation and b.alternatives[1][0] == code


def test_threshold_override() -> None:
    (data,) = real_photos("trashnet", "glass", 1)
    assert OnDeviceClassifier(threshold=1.01).classify(data).needs_confirmation
    assert not OnDeviceClassifier(threshold=0.0).classify(data).needs_confirmation


def test_batch_matches_single(clf: OnDeviceClassifier) -> None:
    photos = real_photos("wastenet9", "glass", 3)
    batch = clf.classify_batch(photos)
    single = [clf.classify(d) for d in photos]
    for a, b in zip(batch, single, strict=True):
        assert a.category == b.category and a.confidence == pytest.approx(b.confidence, abs=1e-4)
    assert clf.classify_batch([]) == []


def test_odd_but_valid_inputs_classify(clf: OnDeviceClassifier) -> None:
    for data in (exif_rotated_jpeg(), encode(photo(50, 400), "PNG"), encode(photo().convert("CMYK"))):
        assert clf.classify(data).category in CATEGORY_CODES


def test_bad_input_raises_image_rejected(clf: OnDeviceClassifier) -> None:
    with pytest.raises(ImageRejected):
        clf.classify(b"")
    with pytest.raises(ImageRejected):
        clf.classify_batch([encode(photo()), b"garbage"])


def test_runtime_does_not_import_torch_or_sklearn() -> None:
    sample = next((DATASETS / "trashnet" / "paper").glob("*.jpg"))
    code = (
        "import sys, vision, vision.classifier, vision.cloud, vision.decode\n"
        "from vision.classifier import OnDeviceClassifier\n"
        "assert 'onnxruntime' not in sys.modules, 'loaded at import time'\n"
        "from pathlib import Path\n"
        f"OnDeviceClassifier().classify(Path({str(sample)!r}).read_bytes())\n"
        "bad = [m for m in ('torch', 'sklearn', 'scipy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)
