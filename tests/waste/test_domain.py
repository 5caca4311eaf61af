from datetime import UTC, datetime

import pytest

from mesh.errors import Conflict, InvalidInput
from svc_waste import domain

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def scan(**kw) -> domain.Scan:
    base = dict(
        id="s",
        user_id="u",
        status=domain.QUEUED,
        created_at=NOW,
        updated_at=NOW,
        image_key="k",
        content_type="image/jpeg",
    )
    base.update(kw)
    return domain.Scan(**base)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 16, "image/heic"),
    ],
)
def test_sniff_accepts_images_by_their_bytes(data, kind):
    assert domain.sniff_image(data) == kind


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7", b"hello world", b"\x00" * 64])
def test_sniff_refuses_non_images(data):
    with pytest.raises(InvalidInput):
        domain.sniff_image(data)


def test_sniff_refuses_oversized():
    with pytest.raises(InvalidInput, match="larger"):
        domain.sniff_image(b"\xff\xd8\xff" + b"0" * domain.MAX_IMAGE_BYTES)


def test_location_rules():
    domain.check_location(None, None)
    domain.check_location(37.5, 127.0)
    for lat, lon in [(37.5, None), (None, 127.0), (91, 0), (0, 181)]:
        with pytest.raises(InvalidInput):
            domain.check_location(lat, lon)


def test_lifecycle_transitions():
    queued = scan()
    started = domain.start(queued, NOW, 1)
    assert started.status == domain.PROCESSING and started.version == 2
    done = domain.complete(started, "{}", "m1", NOW)
    assert done.status == domain.DONE and done.version == 3
    assert domain.start(done, NOW, 2) is None  # redelivery of a finished job changes nothing
    assert domain.complete(done, "{}", "m1", NOW) is None
    assert domain.fail(done, "x", "y", NOW) is None
    with pytest.raises(Conflict):
        domain.complete(queued, "{}", "m1", NOW)


def test_failed_scan_can_be_replayed():
    failed = domain.fail(domain.start(scan(), NOW, 3), "processing_failed", "try again", NOW)
    assert failed.status == domain.FAILED
    again = domain.start(failed, NOW, 1)
    assert again.status == domain.PROCESSING and again.error_code == "" and again.attempts == 3


def test_idempotency_key_rules():
    assert domain.clean_idempotency_key("") is None
    assert domain.clean_idempotency_key("abc-123:x") == "abc-123:x"
    with pytest.raises(InvalidInput):
        domain.clean_idempotency_key("has space")


def test_a_key_replays_only_the_request_it_was_first_used_for():
    first = domain.fingerprint(b"photo", "", 37.5, 127.0, "컵")
    assert first == domain.fingerprint(b"photo", "", 37.5, 127.0, "컵")
    others = [
        domain.fingerprint(b"other photo", "", 37.5, 127.0, "컵"),
        domain.fingerprint(b"", "uploads/u/a.jpg", 37.5, 127.0, "컵"),
        domain.fingerprint(b"photo", "", 37.5, 127.1, "컵"),
        domain.fingerprint(b"photo", "", None, None, "컵"),
        domain.fingerprint(b"photo", "", 37.5, 127.0, ""),
    ]
    assert first not in others and len(set(others)) == len(others)
    earlier = scan(idempotency_key="k", request_fingerprint=first)
    assert domain.replay(earlier, first) is earlier
    with pytest.raises(InvalidInput):
        domain.replay(earlier, others[0])
    # Stored before fingerprints were kept: the key alone decides, as it did then.
    assert domain.replay(scan(idempotency_key="k"), others[0]).idempotency_key == "k"


def test_reclassify_restarts_a_done_scan_only_while_its_image_exists():
    done = domain.complete(domain.start(scan(), NOW, 1), "{}", "v1", NOW)
    assert done.result_model == "v1"
    assert domain.start(done, NOW, 1, reclassify=True).status == domain.PROCESSING
    expired = domain.expire_image(done, NOW)
    assert expired.image_key == "" and expired.result_json == "{}"
    assert domain.start(expired, NOW, 1, reclassify=True) is None
    assert domain.expire_image(scan(), NOW) is None  # never while the scan is pending


QUESTION = domain.OpenQuestion("pet_clear", {"clear": "clear_pet", "colored": "plastic"})


def test_an_answer_to_the_open_question_names_the_chosen_category():
    done = domain.complete(domain.start(scan(), NOW, 1), "{}", "m1", NOW)
    given = domain.answer(done, QUESTION, "plastic", "pet_clear", "clear", NOW)
    assert (given.predicted_category, given.chosen_category, given.answered_at) == (
        "plastic",
        "clear_pet",
        NOW,
    )
    after = domain.answered(done, '{"answered": true}', NOW)
    assert after.version == done.version + 1 and after.result_json == '{"answered": true}'
    example = domain.feedback(done, given, "f1")
    assert (example.scan_id, example.user_id, example.image_key, example.model) == ("s", "u", "k", "m1")
    assert (example.question_id, example.choice_id, example.chosen_category) == (
        "pet_clear",
        "clear",
        "clear_pet",
    )


@pytest.mark.parametrize(
    ("status", "question", "question_id", "choice_id", "error"),
    [
        (domain.PROCESSING, QUESTION, "pet_clear", "clear", Conflict),  # not finished
        (domain.DONE, None, "pet_clear", "clear", Conflict),  # nothing open (or answered already)
        (domain.DONE, QUESTION, "other", "clear", Conflict),  # not the open question
        (domain.DONE, QUESTION, "pet_clear", "maybe", InvalidInput),  # not one of its choices
        (domain.DONE, QUESTION, "", "clear", InvalidInput),
        (domain.DONE, QUESTION, "pet_clear", "x" * 65, InvalidInput),
    ],
)
def test_answers_that_cannot_apply_are_refused(status, question, question_id, choice_id, error):
    with pytest.raises(error):
        domain.answer(scan(status=status), question, "plastic", question_id, choice_id, NOW)


def test_the_rest_upload_schema_offers_the_types_a_scan_takes():
    from edge.schemas import UploadRequest
    from vision.formats import PHOTO_TYPES

    offered = UploadRequest.model_json_schema()["properties"]["content_type"]["enum"]
    assert offered == list(PHOTO_TYPES)
