"""Cloud provider against a local, spec-faithful Chat Completions server; breaker and fallback."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from dataclasses import replace

import pytest
from fake_openai import FakeOpenAI, validate_chat_request
from vision_images import encode, photo

from vision.breaker import CircuitBreaker
from vision.cloud import (
    RESPONSE_SCHEMA,
    Cascade,
    CircuitOpenError,
    CloudVisionError,
    FallbackVision,
    OpenAIVisionProvider,
)
from vision.labels import CATEGORY_CODES
from vision.types import ImageRejected, Prediction

JPEG = encode(photo(800, 600))
DATA_URL = "data:image/jpeg;base64," + base64.b64encode(encode(photo(32, 32))).decode()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake():
    with FakeOpenAI(slow_s=1.5) as server:
        yield server


def provider(fake: FakeOpenAI, **kw) -> OpenAIVisionProvider:
    kw.setdefault("timeout_s", 3)
    kw.setdefault("max_retries", 0)
    return OpenAIVisionProvider(api_key="sk-test", base_url=fake.base_url, **kw)


async def test_good_answer_and_request_shape(fake: FakeOpenAI) -> None:
    p = provider(fake)
    pred = await p.classify(JPEG, hint="물병이에요")
    assert isinstance(pred, Prediction)
    assert (pred.provider, pred.category, pred.item_ko) == ("openai", "clear_pet", "생수 페트병")
    assert pred.model == "gpt-4o-2024-08-06" and pred.confidence == pytest.approx(0.93)
    assert pred.flags == {
        "residue": False,
        "label_attached": True,
        "cap_on": True,
        "mixed_materials": False,
        "broken": False,
    }
    assert not pred.needs_confirmation and pred.alternatives[0] == ("clear_pet", 0.93)
    assert set(pred.category_probs) == set(CATEGORY_CODES)
    assert sum(pred.category_probs.values()) == pytest.approx(1.0)
    (req,) = fake.requests
    body = req["body"]
    assert body["model"] == "gpt-4o"
    rf = body["response_format"]
    assert rf["type"] == "json_schema" and rf["json_schema"]["strict"] is True
    assert rf["json_schema"]["schema"]["properties"]["category"]["enum"] == list(CATEGORY_CODES)
    user = body["messages"][-1]["content"]
    assert "물병이에요" in user[0]["text"]
    url = user[1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.split(",", 1)[1])[:2] == b"\xff\xd8"
    await p.aclose()


def test_fake_server_rejects_what_openai_rejects() -> None:
    remote = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
    }
    with pytest.raises(Exception, match="data URL"):
        validate_chat_request(remote)
    loose = {k: v for k, v in RESPONSE_SCHEMA.items() if k != "additionalProperties"}
    body = {
        "model": "gpt-4o",
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": DATA_URL}}]}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "x", "strict": True, "schema": loose},
        },
    }
    with pytest.raises(Exception, match="additionalProperties"):
        validate_chat_request(body)


async def test_429_with_retry_after_is_retried(fake: FakeOpenAI) -> None:
    fake.script("429", "429")
    pred = await provider(fake, max_retries=2).classify(JPEG)
    assert pred.provider == "openai"
    assert [r["behaviour"] for r in fake.requests] == ["429", "429", "ok"]


async def test_500_retries_are_bounded(fake: FakeOpenAI) -> None:
    fake.script("500", "500", "500")
    with pytest.raises(CloudVisionError):
        await provider(fake, max_retries=1).classify(JPEG)
    assert len(fake.requests) == 2  # one try + one retry, then give up


async def test_slow_answer_times_out(fake: FakeOpenAI) -> None:
    fake.script("slow")
    t0 = time.perf_counter()
    with pytest.raises(CloudVisionError):
        await provider(fake, timeout_s=0.3).classify(JPEG)
    assert time.perf_counter() - t0 < 1.2


@pytest.mark.parametrize("behaviour", ["malformed", "bad_fields", "refusal", "error_400"])
async def test_unusable_answers_are_errors(fake: FakeOpenAI, behaviour: str) -> None:
    fake.script(behaviour)
    with pytest.raises(CloudVisionError):
        await provider(fake, max_retries=2).classify(JPEG)
    assert len(fake.requests) == 1  # 200s and 400s are not retried


async def test_openai_error_body_is_surfaced(fake: FakeOpenAI) -> None:
    fake.script("error_400")
    with pytest.raises(CloudVisionError, match="image_url is only supported"):
        await provider(fake).classify(JPEG)


async def test_wrong_key_and_unknown_model(fake: FakeOpenAI) -> None:
    bad_key = OpenAIVisionProvider(api_key="sk-wrong", base_url=fake.base_url, max_retries=0)
    with pytest.raises(CloudVisionError, match="Incorrect API key"):
        await bad_key.classify(JPEG)
    with pytest.raises(CloudVisionError, match="does not exist"):
        await provider(fake, model="gpt-9-vision").classify(JPEG)


async def test_bad_image_is_rejected_before_any_request(fake: FakeOpenAI) -> None:
    with pytest.raises(ImageRejected):
        await provider(fake).classify(b"not an image at all")
    assert fake.requests == []


async def test_breaker_opens_then_half_opens(fake: FakeOpenAI) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=30, clock=clock)
    p = provider(fake, breaker=breaker)
    fake.script("500", "500")
    for _ in range(2):
        with pytest.raises(CloudVisionError):
            await p.classify(JPEG)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        await p.classify(JPEG)
    assert len(fake.requests) == 2  # the open breaker sent nothing
    clock.now += 31
    assert breaker.state == "half_open"
    fake.script("500")  # failed probe -> open again
    with pytest.raises(CloudVisionError):
        await p.classify(JPEG)
    assert breaker.state == "open"
    clock.now += 31
    assert (await p.classify(JPEG)).provider == "openai"  # good probe -> closed
    assert breaker.state == "closed"


def test_breaker_lets_one_probe_through() -> None:
    clock = FakeClock()
    b = CircuitBreaker(failure_threshold=1, reset_timeout_s=5, clock=clock)
    b.record_failure()
    assert not b.allow()
    clock.now += 5
    assert b.allow() and not b.allow()  # a single probe in half-open
    b.record_success()
    assert b.allow() and b.allow()


class StubOnDevice:
    def __init__(self) -> None:
        self.calls = 0

    def classify(self, data: bytes) -> Prediction:
        self.calls += 1
        return Prediction(
            label="plastic",
            category="plastic",
            item="plastic container",
            item_ko="플라스틱 용기",
            material="plastic",
            confidence=0.8,
            alternatives=(("plastic", 0.8),),
            needs_confirmation=False,
            provider="on_device",
            model="stub",
        )


@pytest.mark.parametrize("behaviour", ["500", "slow", "malformed", "bad_fields", "error_400"])
async def test_fallback_answers_on_device(fake: FakeOpenAI, behaviour: str) -> None:
    fake.script(behaviour)
    stub = StubOnDevice()
    vision = FallbackVision(provider(fake, timeout_s=0.3), stub)  # type: ignore[arg-type]
    pred = await vision.classify(JPEG)
    assert pred.provider == "on_device" and stub.calls == 1


async def test_fallback_prefers_cloud_and_skips_it_when_open(fake: FakeOpenAI) -> None:
    stub = StubOnDevice()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=60)
    vision = FallbackVision(provider(fake, breaker=breaker), stub)  # type: ignore[arg-type]
    assert (await vision.classify(JPEG)).provider == "openai"
    fake.script("500")
    assert (await vision.classify(JPEG)).provider == "on_device"
    assert (await vision.classify(JPEG)).provider == "on_device"  # breaker open: no request
    assert len(fake.requests) == 2 and stub.calls == 2


async def test_fallback_without_cloud_and_with_bad_image() -> None:
    stub = StubOnDevice()
    vision = FallbackVision(None, stub)  # type: ignore[arg-type]
    assert (await vision.classify(JPEG)).provider == "on_device"
    with FakeOpenAI() as server:
        cloud = FallbackVision(provider(server), stub)  # type: ignore[arg-type]
        with pytest.raises(ImageRejected):
            await cloud.classify(b"")
        assert server.requests == []


async def test_fallback_runs_on_device_off_the_event_loop() -> None:
    loop_free = threading.Event()

    class LoopProbe(StubOnDevice):
        def classify(self, data: bytes) -> Prediction:
            # Run on the loop, this would block the callback that sets the event: it stays unset.
            assert loop_free.wait(timeout=10), "the on-device model ran on the event loop"
            return super().classify(data)

    vision = FallbackVision(None, LoopProbe())  # type: ignore[arg-type]
    asyncio.get_running_loop().call_soon(loop_free.set)
    assert (await vision.classify(JPEG)).provider == "on_device"


class ConfidentPaper(StubOnDevice):
    """A sure on-device answer outside the families the cloud settles."""

    def classify(self, data: bytes) -> Prediction:
        return replace(super().classify(data), label="paper", category="paper", confidence=0.95)


async def test_cascade_keeps_a_sure_answer_on_device(fake: FakeOpenAI) -> None:
    stub = ConfidentPaper()
    vision = FallbackVision(provider(fake), stub, cascade=Cascade())  # type: ignore[arg-type]
    pred = await vision.classify(JPEG)
    assert pred.provider == "on_device" and pred.category == "paper"
    assert fake.requests == [] and stub.calls == 1


async def test_cascade_asks_the_cloud_for_a_family_or_an_unsure_answer(fake: FakeOpenAI) -> None:
    family = StubOnDevice()  # plastic: clear PET or not is for the cloud to see
    vision = FallbackVision(provider(fake), family, cascade=Cascade())  # type: ignore[arg-type]
    assert (await vision.classify(JPEG, "bottle")).provider == "openai"
    assert len(fake.requests) == 1 and family.calls == 1

    class Unsure(ConfidentPaper):
        def classify(self, data: bytes) -> Prediction:
            return replace(super().classify(data), confidence=0.4, needs_confirmation=True)

    unsure = Unsure()
    vision = FallbackVision(provider(fake), unsure, cascade=Cascade())  # type: ignore[arg-type]
    assert (await vision.classify(JPEG)).provider == "openai" and len(fake.requests) == 2
    # Families are a setting: without them only the unsure answer goes on.
    vision = FallbackVision(provider(fake), family, cascade=Cascade.of([]))  # type: ignore[arg-type]
    assert (await vision.classify(JPEG)).provider == "on_device" and len(fake.requests) == 2


async def test_cascade_falls_back_to_its_own_answer_without_a_second_run(fake: FakeOpenAI) -> None:
    fake.script("500")
    stub = StubOnDevice()
    vision = FallbackVision(provider(fake, timeout_s=0.3), stub, cascade=Cascade())  # type: ignore[arg-type]
    pred = await vision.classify(JPEG)
    assert pred.provider == "on_device" and stub.calls == 1
