"""Error details follow Accept-Language (Korean when the app asks for it); the machine code does not."""

import re

import pytest

from edge.problem_texts import TEXTS, error_language

KO = {"Accept-Language": "ko-KR,ko;q=0.9,en-US;q=0.8"}


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "en"),
        ("ko", "ko"),
        ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        ("en-US,en;q=0.9,ko;q=0.8", "en"),
        ("ko;q=0.2, en;q=0.7", "en"),
        ("fr, ko;q=0.5", "ko"),
        ("de, *", "en"),
        ("ko;q=abc", "en"),
    ],
)
def test_error_language(header, language):
    assert error_language(header) == language


def test_every_code_has_korean_and_english():
    for code, (english, korean) in TEXTS.items():
        assert english and korean, code
        assert _has_hangul(korean), code
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code


async def test_401_in_korean_keeps_its_code(edge_env):
    english = await edge_env.http.get("/api/v1/users/me")
    korean = await edge_env.http.get("/api/v1/users/me", headers=KO)
    assert english.status_code == korean.status_code == 401
    assert english.json()["code"] == korean.json()["code"] == "auth_required"
    assert english.json()["detail"] == "sign in first: send Authorization: Bearer <access token>"
    assert _has_hangul(korean.json()["detail"]) and "Bearer" in korean.json()["detail"]
    bad = await edge_env.http.get("/api/v1/users/me", headers={**KO, "Authorization": "Bearer x.y.z"})
    assert bad.status_code == 401 and bad.json()["code"] == "token_invalid"
    assert _has_hangul(bad.json()["detail"])


async def test_service_problems_get_their_code_and_korean(edge_env):
    headers = await edge_env.login("ko-user")
    english = await edge_env.http.get("/api/v1/scans/nope", headers=headers)
    korean = await edge_env.http.get("/api/v1/scans/nope", headers={**headers, **KO})
    assert english.status_code == korean.status_code == 404
    assert english.json()["code"] == korean.json()["code"] == "scan_not_found"
    assert english.json()["detail"] == "scan not found"
    assert korean.json()["detail"] == "스캔을 찾을 수 없습니다"
    assert korean.json()["grpc_status"] == "NOT_FOUND"


async def test_validation_and_gate_problems_in_korean(edge_env):
    headers = await edge_env.login("ko-form")
    invalid = await edge_env.http.get("/api/v1/scans?limit=0", headers={**headers, **KO})
    assert invalid.status_code == 422 and invalid.json()["code"] == "validation_failed"
    assert _has_hangul(invalid.json()["detail"]) and invalid.json()["errors"]
    big = await edge_env.http.post(
        "/api/v1/coach/ask",
        headers={**headers, **KO, "Content-Type": "application/json"},
        content=b" " * (65 * 1024),
    )
    assert big.status_code == 413 and big.json()["code"] == "body_too_large"
    assert big.json()["detail"] == "요청 본문이 64 KiB보다 큽니다"
    missing = await edge_env.http.post("/api/v1/scans", headers={**headers, **KO}, data={"hint": "cup"})
    assert missing.status_code == 422 and missing.json()["code"] == "image_missing"
    assert _has_hangul(missing.json()["detail"])
