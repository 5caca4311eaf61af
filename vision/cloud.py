"""Cloud vision via an OpenAI-compatible Chat Completions endpoint: on-device first (cascade) or
cloud first, with on-device fallback."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from vision.breaker import CircuitBreaker
from vision.classifier import OnDeviceClassifier
from vision.decode import load_image
from vision.labels import CATEGORY_CODES
from vision.types import FLAG_NAMES, ImageRejected, Prediction

log = logging.getLogger(__name__)

PROVIDER = "openai"
UPLOAD_MAX_SIDE = 1024  # enough detail for the model; keeps the request small and cheap

RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["item", "item_ko", "material", "category", "confidence", "flags"],
    "properties": {
        "item": {"type": "string", "description": "What the object is, in English, e.g. 'PET water bottle'"},
        "item_ko": {"type": "string", "description": "The same in Korean, e.g. '생수 페트병'"},
        "material": {"type": "string", "description": "Main material, e.g. 'PET', 'paper', 'aluminium'"},
        "category": {"type": "string", "enum": list(CATEGORY_CODES)},
        "confidence": {"type": "number", "description": "Probability (0..1) that category is right"},
        "flags": {
            "type": "object",
            "additionalProperties": False,
            "required": list(FLAG_NAMES),
            "properties": {name: {"type": "boolean"} for name in FLAG_NAMES},
        },
    },
}

SYSTEM_PROMPT = (
    "You classify one photographed piece of household waste for South Korea's separate-collection "
    "rules (분리배출). Choose exactly one category code: paper (newspaper, boxes, cardboard), "
    "paper_pack (milk/juice cartons, sterilised packs), glass (bottles, jars), can_metal (cans, "
    "scrap metal), plastic (rigid plastic containers), clear_pet (transparent colourless PET "
    "beverage bottles), vinyl (plastic film, bags, wrappers), styrofoam (EPS foam), food (food "
    "waste), textiles (clothes, fabric), battery, lamp (fluorescent lamps, LED bulbs), medicine, "
    "small_electronics, large_appliance, bulky (furniture and other large items), general "
    "(non-recyclable, goes in the pay-as-you-throw bag), non_combustible (ceramics, broken glass "
    "cups, porcelain), hazardous (paint, lacquer, pesticide, mercury thermometers), cooking_oil "
    "(used frying oil). Set the flags from what is visible: residue (food or liquid left inside), "
    "label_attached, cap_on, mixed_materials (parts of different materials stuck together), "
    "broken. confidence is your probability that the category is correct. Answer only with JSON."
)


class CloudVisionError(RuntimeError):
    """The cloud provider could not give a usable answer (network, HTTP, timeout, malformed output)."""


class CircuitOpenError(CloudVisionError):
    pass


class OpenAIVisionProvider:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        model: str = "gpt-4o",
        timeout_s: float = 10,
        max_retries: int = 2,
        breaker: CircuitBreaker | None = None,
        threshold: float = 0.6,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.model = model
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.breaker = breaker or CircuitBreaker()
        self.threshold = threshold
        self._client = None

    def _get_client(self):
        if self._client is None:
            from openai import AsyncOpenAI

            # The SDK retries 429/5xx/timeouts with exponential backoff and honours Retry-After;
            # max_retries bounds it.
            self._client = AsyncOpenAI(
                api_key=self.api_key,
                base_url=self.base_url,
                timeout=self.timeout_s,
                max_retries=self.max_retries,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def classify(self, data: bytes, hint: str | None = None) -> Prediction:
        """Raises ImageRejected for bad input, CloudVisionError for any provider failure."""
        image_url = await asyncio.to_thread(_data_url, data)  # decode/validate off the event loop
        if not self.breaker.allow():
            raise CircuitOpenError("circuit breaker open: cloud vision skipped")
        try:
            result = await self._request(image_url, hint)
        except asyncio.CancelledError:
            self.breaker.record_failure()  # frees a half-open probe slot
            raise
        except Exception as exc:
            self.breaker.record_failure()
            if isinstance(exc, CloudVisionError):
                raise
            raise CloudVisionError(f"{type(exc).__name__}: {exc}") from exc
        self.breaker.record_success()
        return result

    async def _request(self, image_url: str, hint: str | None) -> Prediction:
        text = "Classify this item."
        if hint:
            text += f" The user says: {hint[:500]}"
        # Retries happen inside the SDK; the outer deadline bounds the whole attempt chain.
        deadline = self.timeout_s * (self.max_retries + 1) + 10.0
        async with asyncio.timeout(deadline):
            resp = await self._get_client().chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": text},
                            {"type": "image_url", "image_url": {"url": image_url, "detail": "auto"}},
                        ],
                    },
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {
                        "name": "waste_classification",
                        "strict": True,
                        "schema": RESPONSE_SCHEMA,
                    },
                },
                temperature=0,
                max_completion_tokens=300,
            )
        if not resp.choices:
            raise CloudVisionError("response has no choices")
        message = resp.choices[0].message
        if getattr(message, "refusal", None):
            raise CloudVisionError(f"model refused: {message.refusal}")
        return self._parse(message.content, resp.model or self.model)

    def _parse(self, content: str | None, model: str) -> Prediction:
        try:
            obj = json.loads(content or "")
        except json.JSONDecodeError as exc:
            raise CloudVisionError("response content is not JSON") from exc
        parsed = validate_answer(obj)
        category, confidence = parsed["category"], parsed["confidence"]
        # Only one probability comes back: spread the remainder evenly (no invented preferences).
        rest = (1.0 - confidence) / (len(CATEGORY_CODES) - 1)
        probs = {c: (confidence if c == category else rest) for c in CATEGORY_CODES}
        return Prediction(
            label=category,  # the cloud model has no project label; the category code stands in
            category=category,
            item=parsed["item"],
            item_ko=parsed["item_ko"],
            material=parsed["material"],
            confidence=confidence,
            alternatives=((category, confidence),),
            needs_confirmation=confidence < self.threshold,
            provider=PROVIDER,
            model=model,
            flags=parsed["flags"],
            category_probs=probs,
        )


def validate_answer(obj: Any) -> dict[str, Any]:
    """Check the model's JSON against RESPONSE_SCHEMA (strict mode is a promise, not a guarantee)."""
    if not isinstance(obj, dict) or set(obj) != set(RESPONSE_SCHEMA["required"]):
        raise CloudVisionError("response JSON does not have the expected fields")
    for key in ("item", "item_ko", "material"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise CloudVisionError(f"response field {key!r} is not a non-empty string")
    if obj["category"] not in CATEGORY_CODES:
        raise CloudVisionError(f"unknown category {obj['category']!r}")
    conf = obj["confidence"]
    if isinstance(conf, bool) or not isinstance(conf, int | float) or not 0.0 <= conf <= 1.0:
        raise CloudVisionError("confidence is not a number in [0, 1]")
    flags = obj["flags"]
    if (
        not isinstance(flags, dict)
        or set(flags) != set(FLAG_NAMES)
        or not all(isinstance(v, bool) for v in flags.values())
    ):
        raise CloudVisionError("flags are not the expected booleans")
    return {**obj, "item": obj["item"].strip(), "confidence": float(conf), "flags": dict(flags)}


def _data_url(data: bytes) -> str:
    """Validate with the same decoder as on-device, then send a bounded-size JPEG."""
    img = load_image(data)
    img.thumbnail((UPLOAD_MAX_SIDE, UPLOAD_MAX_SIDE))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# The on-device model's categories whose family question (svc_coach/knowledge/questions.yaml) turns on
# what the cloud can see: clear PET or other plastic, can or gas canister or battery, bottle or broken
# glass, film or general waste.
CLOUD_SETTLES = ("plastic", "can_metal", "glass", "general")


@dataclass(frozen=True)
class Cascade:
    """When the on-device answer goes on to the cloud: it is unsure (calibrated confidence below the
    threshold, or ImageNet evidence added a blind category), or its category is in `families`."""

    families: frozenset[str] = frozenset(CLOUD_SETTLES)

    @classmethod
    def of(cls, families: Collection[str]) -> Cascade:
        return cls(frozenset(families))

    def wants_cloud(self, local: Prediction) -> bool:
        return local.needs_confirmation or local.category in self.families


class FallbackVision:
    """Cloud first, on-device when the cloud fails or is switched off; `provider` tells who answered.

    With a `cascade`, the on-device model answers first and the cloud is asked only when the cascade
    wants it (the on-device answer is still returned when the cloud fails)."""

    def __init__(
        self,
        primary: OpenAIVisionProvider | None,
        fallback: OnDeviceClassifier,
        *,
        cascade: Cascade | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.cascade = cascade

    async def classify(self, data: bytes, hint: str | None = None) -> Prediction:
        local: Prediction | None = None
        if self.primary is not None and self.cascade is not None:
            local = await asyncio.to_thread(self.fallback.classify, data)
            if not self.cascade.wants_cloud(local):
                return local
        if self.primary is not None:
            try:
                return await self.primary.classify(data, hint)
            except ImageRejected:
                raise  # the photo is bad, not the provider: the on-device model would reject it too
            except Exception as exc:  # timeout, HTTP error, open breaker, malformed output ...
                log.warning("cloud vision failed, using on-device model: %s", exc)
        if local is not None:
            return local
        # onnxruntime releases the GIL; a thread keeps the event loop responsive.
        return await asyncio.to_thread(self.fallback.classify, data)
