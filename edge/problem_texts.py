"""The machine `code` of every problem and its `detail` in English and Korean.

A code never changes once published: apps branch on it, while the detail is for people and follows
Accept-Language. Problems a service reports over gRPC carry English details; the patterns below
give them their code and Korean text, and any other one falls back to its status's code.
"""

from __future__ import annotations

import re

# code: (English, Korean); `{name}` fields are filled from the problem's arguments.
TEXTS: dict[str, tuple[str, str]] = {
    # Answers by status, when nothing more specific is known.
    "bad_request": ("the request is not valid", "요청이 올바르지 않습니다"),
    "unauthenticated": ("sign in again", "다시 로그인해 주세요"),
    "forbidden": ("this is not allowed", "허용되지 않는 요청입니다"),
    "not_found": ("not found", "찾을 수 없습니다"),
    "method_not_allowed": ("this method is not allowed here", "이 경로에서 허용되지 않는 메서드입니다"),
    "conflict": ("the request conflicts with the current state", "현재 상태와 맞지 않는 요청입니다"),
    "too_large": ("the request is too large", "요청이 너무 큽니다"),
    "unsupported_media_type": ("this content type is not accepted", "받을 수 없는 콘텐츠 형식입니다"),
    "invalid_request": ("the request is not valid", "요청이 올바르지 않습니다"),
    "rate_limited": (
        "too many requests; try again shortly",
        "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요",
    ),
    "internal_error": ("something went wrong on our side", "서버에 문제가 생겼습니다"),
    "not_implemented": ("this is not available", "지원하지 않는 기능입니다"),
    "upstream_failed": ("an internal service failed", "내부 서비스에 문제가 생겼습니다"),
    "unavailable": (
        "a service is unavailable right now; try again shortly",
        "지금은 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해 주세요",
    ),
    "timeout": ("a service took too long to answer", "서비스 응답이 너무 늦습니다"),
    "overloaded": (
        "too many requests at once right now; try again in a moment",
        "지금 요청이 몰려 있습니다. 잠시 후 다시 시도해 주세요",
    ),
    # Request shape (FastAPI's validation; `errors` lists each field).
    "validation_failed": ("the request is not valid", "요청 형식이 올바르지 않습니다"),
    "body_too_large": ("the request body is larger than {size}", "요청 본문이 {size}보다 큽니다"),
    # Sign-in and tokens.
    "auth_required": (
        "sign in first: send Authorization: Bearer <access token>",
        "먼저 로그인하세요: Authorization: Bearer <액세스 토큰> 헤더를 보내세요",
    ),
    "token_invalid": ("{reason}", "토큰이 유효하지 않습니다. 다시 로그인해 주세요"),
    "account_deleted": ("this account was deleted", "삭제된 계정입니다"),
    "refresh_token_invalid": ("{reason}", "리프레시 토큰이 유효하지 않습니다. 다시 로그인해 주세요"),
    "signin_failed": (
        "sign-in at {provider} did not complete: {error}",
        "{provider} 로그인이 완료되지 않았습니다: {error}",
    ),
    "signin_expired": (
        "{reason}",
        "로그인 요청이 만료되었거나 이미 사용되었습니다. 처음부터 다시 로그인해 주세요",
    ),
    "signin_code_required": ("code and state are required", "code와 state가 필요합니다"),
    "provider_unknown": ("{reason}", "알 수 없는 로그인 제공자입니다. kakao, naver, google 중 하나를 쓰세요"),
    "provider_not_configured": ("{reason}", "이 로그인 제공자는 설정되어 있지 않습니다"),
    "provider_unavailable": ("{reason}", "로그인 제공자가 응답하지 않습니다. 잠시 후 다시 시도해 주세요"),
    "too_many_signins": (
        "too many sign-ins started from this address; try again shortly",
        "이 주소에서 로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요",
    ),
    # Profile.
    "nothing_to_change": (
        "nothing to change: send nickname, language or region_code",
        "바꿀 내용이 없습니다: nickname, language, region_code 중 하나를 보내세요",
    ),
    "confirm_required": (
        "account deletion is irreversible: repeat the request with ?confirm=DELETE",
        "계정 삭제는 되돌릴 수 없습니다: ?confirm=DELETE를 붙여 다시 요청하세요",
    ),
    # Scans and photos.
    "too_many_scans": (
        "too many scans; try again shortly",
        "스캔이 너무 많습니다. 잠시 후 다시 시도해 주세요",
    ),
    "image_missing": (
        "send the photo as the multipart field `image`, or an `image_key` from /scans/uploads",
        "사진을 multipart 필드 `image`로 보내거나 /scans/uploads에서 받은 `image_key`를 보내세요",
    ),
    "image_empty": ("the image is empty", "사진 파일이 비어 있습니다"),
    "image_too_large": ("the image is larger than {mb} MB", "사진이 {mb} MB보다 큽니다"),
    "image_unsupported": ("{reason}", "읽을 수 없는 사진 형식입니다"),
    "image_gone": ("{reason}", "사진이 더 이상 저장되어 있지 않습니다"),
    "idempotency_key_reused": (
        "{reason}",
        "이 Idempotency-Key는 다른 요청(사진, 위치 또는 힌트가 다름)에 이미 쓰였습니다",
    ),
    "scan_not_found": ("scan not found", "스캔을 찾을 수 없습니다"),
    "scan_not_finished": ("the scan is not finished yet", "스캔이 아직 끝나지 않았습니다"),
    "no_open_question": ("{reason}", "답할 질문이 없습니다 (이미 답했을 수 있습니다)"),
    "choice_not_offered": (
        "choice_id is not one of the question's choices",
        "choice_id가 질문의 선택지에 없습니다",
    ),
    "scan_busy": (
        "the scan is being changed concurrently; try again",
        "스캔이 동시에 변경되고 있습니다. 다시 시도해 주세요",
    ),
    "uploads_need_s3": (
        "direct uploads need S3 storage; send the image with the scan instead",
        "직접 업로드는 S3 저장소가 필요합니다. 스캔 요청에 사진을 함께 보내세요",
    ),
    # Knowledge base and drop-offs.
    "item_not_found": ("{reason}", "해당 품목을 찾을 수 없습니다"),
    "location_not_found": ("{reason}", "해당 배출 장소를 찾을 수 없습니다"),
}

# What a status answers when nothing more specific is known.
BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    501: "not_implemented",
    502: "upstream_failed",
    503: "unavailable",
    504: "timeout",
}

# A service's English detail → its code; the first match wins. Anchored at the start, so a detail
# that grows a suffix keeps its code.
SERVICE_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), code)
    for p, code in (
        (r"this account was deleted", "account_deleted"),
        (r"refresh token ", "refresh_token_invalid"),
        (r"the account of this refresh token", "refresh_token_invalid"),
        (r"the sign-in state is unknown|the code is unknown|the code_verifier", "signin_expired"),
        (r"unknown sign-in provider", "provider_unknown"),
        (r"provider not configured|\w+ SDK sign-in not configured", "provider_not_configured"),
        (
            r"sign-in cannot (start|finish) right now|\w+ (is not answering|could not be reached)",
            "provider_unavailable",
        ),
        (r"scan not found", "scan_not_found"),
        (r"the scan is not finished yet", "scan_not_finished"),
        (r"the scan has no open question|that question is not the scan's open question", "no_open_question"),
        (r"choice_id is not one of the question's choices", "choice_not_offered"),
        (r"the scan is being changed concurrently", "scan_busy"),
        (r"the image is empty", "image_empty"),
        (r"the image is larger than (?P<mb>\d+) MB", "image_too_large"),
        (r"the upload is not a supported image|the image is not", "image_unsupported"),
        (r"the image is no longer stored|the image was not uploaded|image_key not found", "image_gone"),
        (r"Idempotency-Key", "idempotency_key_reused"),
        (r"direct uploads need S3 storage", "uploads_need_s3"),
        (r"no item ", "item_not_found"),
        (r"no drop-off point", "location_not_found"),
    )
]


def code_of_detail(status: int, detail: str) -> tuple[str, dict[str, str]]:
    """The code of a service's detail, and the fields its texts may use."""
    for pattern, code in SERVICE_DETAILS:
        if match := pattern.match(detail):
            return code, {"reason": detail, **match.groupdict()}
    return BY_STATUS.get(status, "internal_error" if status >= 500 else "invalid_request"), {}


def text(code: str, language: str, args: dict[str, object] | None = None) -> str | None:
    """The code's detail in the language, or None when the code has no text here."""
    texts = TEXTS.get(code)
    if texts is None:
        return None
    template = texts[1] if language == "ko" else texts[0]
    try:
        return template.format(**(args or {}))
    except (KeyError, IndexError, ValueError):
        return None


def error_language(accept_language: str) -> str:
    """ko when the caller prefers Korean over English (RFC 9110 q-values), else en."""
    best, best_q = "en", 0.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        language = "ko" if tag.startswith("ko") else "en" if tag.startswith("en") else ""
        if not language:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:  # on equal weights the earlier tag wins
            best, best_q = language, q
    return best
