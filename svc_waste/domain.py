"""Pure rules of a scan: what an acceptable upload is, which status changes are allowed, and how an
answer to the scan's open question is accepted."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from mesh.errors import Conflict, InvalidInput
from vision.formats import PHOTO_NAMES, sniff

QUEUED, PROCESSING, DONE, FAILED = "queued", "processing", "done", "failed"
FINISHED = frozenset({DONE, FAILED})
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_HINT = 200
MAX_ANSWER_ID = 64
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass(frozen=True)
class Scan:
    id: str
    user_id: str
    status: str
    created_at: datetime
    updated_at: datetime
    image_key: str
    content_type: str
    lat: float | None = None
    lon: float | None = None
    hint: str = ""
    language: str = "ko"
    idempotency_key: str | None = None
    # What the request with that key asked for (see `fingerprint`); None on scans stored before.
    request_fingerprint: str | None = None
    result_json: str | None = None
    error_code: str = ""
    error_message: str = ""
    version: int = 1
    attempts: int = 0
    result_model: str = ""
    published_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OpenQuestion:
    """What the rules need of a scan's open question: its id and the category each choice leads to."""

    id: str
    choices: dict[str, str]  # choice id → category code


@dataclass(frozen=True)
class Answer:
    question_id: str
    choice_id: str
    predicted_category: str
    chosen_category: str
    answered_at: datetime


@dataclass(frozen=True)
class Feedback:
    """A labelled example: the photo, what the model proposed and what its owner chose."""

    id: str
    scan_id: str
    user_id: str
    image_key: str
    predicted_category: str
    chosen_category: str
    question_id: str
    choice_id: str
    model: str
    answered_at: datetime


def sniff_image(data: bytes) -> str:
    """The content type from the bytes themselves; a client's Content-Type is not trusted."""
    if not data:
        raise InvalidInput("the image is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(f"the image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    kind = sniff(data)
    if kind is None:
        raise InvalidInput(f"the upload is not a supported image ({PHOTO_NAMES})")
    return kind


def check_location(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput("lat and lon must be given together")
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInput("lat must be between -90 and 90")
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidInput("lon must be between -180 and 180")


def clean_hint(hint: str) -> str:
    hint = " ".join(hint.split())
    if len(hint) > MAX_HINT:
        raise InvalidInput(f"hint must be at most {MAX_HINT} characters")
    return hint


def clean_idempotency_key(key: str) -> str | None:
    if not key:
        return None
    if not _IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(
            "Idempotency-Key must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"
        )
    return key


def fingerprint(image: bytes, image_key: str, lat: float | None, lon: float | None, hint: str) -> str:
    """What makes a scan request the same request again (the IETF Idempotency-Key draft's request
    fingerprint): the photo (its digest, or its upload key), the place and the cleaned hint."""
    photo = hashlib.sha256(image).hexdigest() if image else ""
    return hashlib.sha256(json.dumps([photo, image_key, lat, lon, hint]).encode()).hexdigest()


def replay(earlier: Scan, request_fingerprint: str | None) -> Scan:
    """The scan an Idempotency-Key was first used for, if this request is that one again."""
    # A scan stored before fingerprints were kept has none: its key still replays it.
    if earlier.request_fingerprint and earlier.request_fingerprint != request_fingerprint:
        raise InvalidInput(
            "this Idempotency-Key was already used for another photo, place or hint; "
            "send a new key for a new scan"
        )
    return earlier


def clean_language(language: str) -> str:
    return language if language in ("ko", "en") else "ko"


def start(scan: Scan, now: datetime, attempt: int, reclassify: bool = False) -> Scan | None:
    """The processing scan, or None when it is already done (a redelivered job has nothing to do).

    A failed scan may start again: that is how a replayed dead letter completes it. A done scan
    starts again only for re-classification, and only while its image is still stored.
    """
    if scan.status == DONE and not (reclassify and scan.image_key):
        return None
    return replace(
        scan,
        status=PROCESSING,
        updated_at=now,
        attempts=max(scan.attempts, attempt),
        error_code="",
        error_message="",
        version=scan.version + 1,
    )


def complete(scan: Scan, result_json: str, model: str, now: datetime) -> Scan | None:
    if scan.status == DONE:
        return None
    if scan.status == QUEUED:
        raise Conflict("the scan was never started")
    return replace(
        scan,
        status=DONE,
        result_json=result_json,
        result_model=model,
        updated_at=now,
        version=scan.version + 1,
    )


def expire_image(scan: Scan, now: datetime) -> Scan | None:
    """Forgets the stored image; the result stays readable."""
    if not scan.image_key or scan.status not in FINISHED:
        return None
    return replace(scan, image_key="", updated_at=now, version=scan.version + 1)


def fail(scan: Scan, code: str, message: str, now: datetime) -> Scan | None:
    if scan.status in FINISHED:
        return None
    return replace(
        scan,
        status=FAILED,
        error_code=code,
        error_message=message[:500],
        updated_at=now,
        version=scan.version + 1,
    )


def give_up(scan: Scan, message: str, now: datetime) -> Scan | None:
    """A scan whose job keeps getting lost: one that had a result (a lost re-classification) keeps
    it; any other fails visibly."""
    if scan.status in FINISHED:
        return None
    if scan.result_json:
        return replace(scan, status=DONE, updated_at=now, version=scan.version + 1)
    return fail(scan, "processing_failed", message, now)


def answer(
    scan: Scan,
    question: OpenQuestion | None,
    predicted_category: str,
    question_id: str,
    choice_id: str,
    now: datetime,
) -> Answer:
    """Accepts one answer to the scan's open question, or says why not (the scan is left as it is)."""
    for name, value in (("question_id", question_id), ("choice_id", choice_id)):
        if not value or len(value) > MAX_ANSWER_ID:
            raise InvalidInput(f"{name} must be 1 to {MAX_ANSWER_ID} characters")
    if scan.status != DONE:
        raise Conflict("the scan is not finished yet")
    if question is None:
        raise Conflict("the scan has no open question (it may be answered already)")
    if question_id != question.id:
        raise Conflict("that question is not the scan's open question")
    if choice_id not in question.choices:
        raise InvalidInput("choice_id is not one of the question's choices")
    return Answer(question_id, choice_id, predicted_category, question.choices[choice_id], now)


def answered(scan: Scan, result_json: str, now: datetime) -> Scan:
    return replace(scan, result_json=result_json, updated_at=now, version=scan.version + 1)


def feedback(scan: Scan, given: Answer, feedback_id: str) -> Feedback:
    return Feedback(
        id=feedback_id,
        scan_id=scan.id,
        user_id=scan.user_id,
        image_key=scan.image_key,
        predicted_category=given.predicted_category,
        chosen_category=given.chosen_category,
        question_id=given.question_id,
        choice_id=given.choice_id,
        model=scan.result_model,
        answered_at=given.answered_at,
    )
