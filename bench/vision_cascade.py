"""Cascade vs cloud-first on the test split: cloud share, accuracy, cost per 1,000 scans.

    python bench/vision_cascade.py [--datasets ../shared/datasets] [--n 0]

Every test photo goes through the production `FallbackVision` with the real `OpenAIVisionProvider`
against the spec-faithful fake Chat Completions server (tests/vision/fake_openai.py), which answers
each request with the photo's true category: the cascade's accuracy is then the on-device model's
on the photos it keeps plus 100 % on the ones it sends on (an upper bound for a real cloud model).
Cost is priced from the token counts the requests would use (gpt-4o list price; image tokens by
OpenAI's tile rule, text at ~4 characters per token). Needs the data sets; prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "vision"))

# gpt-4o list price, USD per 1M tokens (input, output).
PRICE_IN, PRICE_OUT = 2.50, 10.00


def image_tokens(width: int, height: int) -> int:
    """OpenAI's rule for detail high/auto: fit in 2048², shortest side to 768, 170 per 512-px tile + 85."""
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    w, h = w * scale, h * scale
    return 85 + 170 * math.ceil(w / 512) * math.ceil(h / 512)


def request_tokens(body: dict) -> int:
    from PIL import Image

    chars, tokens = len(json.dumps(body["response_format"])), 0
    for msg in body["messages"]:
        parts = msg["content"] if isinstance(msg["content"], list) else [{"text": msg["content"]}]
        for part in parts:
            if part.get("type") == "image_url":
                raw = base64.b64decode(part["image_url"]["url"].split(",", 1)[1])
                tokens += image_tokens(*Image.open(io.BytesIO(raw)).size)
            else:
                chars += len(part.get("text", ""))
    return tokens + chars // 4 + 4 * len(body["messages"])


def answer_for(category: str) -> dict:
    from vision.types import FLAG_NAMES

    return {
        "item": category,
        "item_ko": category,
        "material": category,
        "category": category,
        "confidence": 0.95,
        "flags": dict.fromkeys(FLAG_NAMES, False),
    }


async def run(mode: str, families: tuple[str, ...], photos, truths, fake, local) -> dict:
    from vision.cloud import Cascade, FallbackVision, OpenAIVisionProvider

    cloud = OpenAIVisionProvider(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    cascade = Cascade.of(families) if mode == "cascade" else None
    vision = FallbackVision(cloud, local, cascade=cascade)
    first = len(fake.requests)
    correct, to_cloud = 0, 0
    for data, truth in zip(photos, truths, strict=True):
        fake.answer = answer_for(truth)  # one request at a time: the fake answers this photo's truth
        pred = await vision.classify(data)
        correct += pred.category == truth
        to_cloud += pred.provider == "openai"
    await cloud.aclose()
    reqs = fake.requests[first:]
    tin = sum(request_tokens(r["body"]) for r in reqs)
    tout = len(reqs) * (len(json.dumps(answer_for("paper_pack"))) // 4 + 5)  # the JSON answer
    cost = (tin * PRICE_IN + tout * PRICE_OUT) / 1e6
    n = len(photos)
    return {
        "mode": mode if mode == "cloud_first" else f"cascade(families={list(families)})",
        "cloud_share": to_cloud / n,
        "accuracy": correct / n,
        "requests": len(reqs),
        "tokens_in_per_request": tin / max(len(reqs), 1),
        "usd_per_1000_scans": cost / n * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=0, help="first n test photos only (0: all)")
    args = ap.parse_args(argv)

    from fake_openai import FakeOpenAI

    from vision.classifier import OnDeviceClassifier
    from vision.cloud import CLOUD_SETTLES
    from vision.features import ASSETS_DIR
    from vision.head import HEAD_NAME, Head
    from vision.labels import LABELS
    from vision.train import prepare

    head = Head.load(ASSETS_DIR / HEAD_NAME)
    dirs = [args.datasets / d for d in head.meta.get("datasets", ["trashnet", "wastenet9"])]
    prep = prepare(dirs, onnx_path=ASSETS_DIR / head.onnx)
    test = [s for s, split in zip(prep.samples, prep.split, strict=True) if split == "test"]
    test = test[: args.n] if args.n else test
    photos = [s.path.read_bytes() for s in test]
    truths = [LABELS[s.label].category for s in test]
    local = OnDeviceClassifier(threads=2)
    print(f"{len(photos)} test photos (content-deduplicated split), model {head.version}")
    with FakeOpenAI() as fake:
        rows = [
            asyncio.run(run("cloud_first", (), photos, truths, fake, local)),
            asyncio.run(run("cascade", CLOUD_SETTLES, photos, truths, fake, local)),
            asyncio.run(run("cascade", (), photos, truths, fake, local)),
        ]
    base = rows[0]["usd_per_1000_scans"]
    for r in rows:
        print(
            f"{r['mode']:<72} cloud {r['cloud_share']:6.1%}  accuracy {r['accuracy']:.4f}  "
            f"{r['tokens_in_per_request']:.0f} input tokens/request  "
            f"${r['usd_per_1000_scans']:.3f} per 1,000 scans "
            f"({r['usd_per_1000_scans'] / base:.0%} of cloud-first)"
        )
    on_device = np.mean([local.classify(p).category == t for p, t in zip(photos, truths, strict=True)])
    print(f"on-device alone: accuracy {on_device:.4f}, $0")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
