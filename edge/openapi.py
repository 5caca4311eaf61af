"""The OpenAPI document as client generators take it: what FastAPI derives from the routes, plus
what it cannot know (the bearer scheme, problem+json errors, Accept-Language, a binary photo)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from edge.errors import PROBLEM

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Response headers, referenced by name from the routes' `responses`.
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "the scan's version: send it as `If-None-Match` for a 304 while it is unchanged",
        "schema": {"type": "string", "example": 'W/"8f14e45f-3"'},
    },
    "Retry-After": {
        "description": "seconds to wait before asking again",
        "schema": {"type": "integer", "minimum": 0, "example": 1},
    },
    "Location": {"description": "the scan's status URL", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "`private, no-cache`: revalidate with ETag",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "`Bearer`, with `error=invalid_token` for a bad token",
        "schema": {"type": "string"},
    },
}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "`ko` (Korean) or `en`: the language of knowledge-base text and of an error's `detail` "
    "(content defaults to Korean, error details to English unless Korean is preferred)",
    "schema": {"type": "string", "example": "ko-KR,ko;q=0.9,en;q=0.8"},
}
TAGS = [
    {
        "name": "auth",
        "description": "Sign-in (Kakao, Naver, Google; a dev sign-in outside production), tokens",
    },
    {"name": "users", "description": "The signed-in user's profile, history and stats"},
    {
        "name": "scans",
        "description": "Submit a photo, poll it (ETag) or follow it (server-sent events), "
        "answer its question",
    },
    {"name": "coach", "description": "The disposal knowledge base: categories, item search, questions"},
    {"name": "locations", "description": "Drop-off points near the user"},
    {"name": "health", "description": "Liveness and readiness"},
]
DESCRIPTION = """Photograph waste; learn what it is and how and why to dispose of it under Korean rules.

**Sign-in.** Every `/api/v1` operation but sign-in needs `Authorization: Bearer <access token>`
(`devLogin` gives one outside production).

**Errors** are `application/problem+json` (RFC 9457), one `Problem` shape everywhere: branch on its
stable `code`; `detail` is for people, in Korean when `Accept-Language` prefers `ko`.

**A scan.** `createScan` (multipart photo, optional `Idempotency-Key`) answers 202 with `status_url`
and `events_url`. Poll `getScan` with `If-None-Match` (304 while unchanged, `Retry-After` while
pending) or follow `streamScanEvents`. When the result carries a `question`, `answerScan` settles it.

**Lists** answer `{items, next_cursor}`; pass `next_cursor` as `?cursor=` for the next page.
"""


def header(*names: str) -> dict[str, dict[str, Any]]:
    return {name: HEADERS[name] for name in names}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=DESCRIPTION,
                routes=app.routes,
                tags=TAGS,
            )
            app.openapi_schema = refine(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def refine(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    components["parameters"] = {"AcceptLanguage": ACCEPT_LANGUAGE}
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            if path.startswith("/api/v1/"):
                operation.setdefault("parameters", []).append(
                    {"$ref": "#/components/parameters/AcceptLanguage"}
                )
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    _as_problem(int(status), response)
    _binary_photo(document)
    _drop_unused(document)
    return document


def _as_problem(status: int, response: dict[str, Any]) -> None:
    response["content"] = {PROBLEM: {"schema": PROBLEM_REF}}
    if status in (429, 503):
        response.setdefault("headers", {}).update(header("Retry-After"))
    if status == 401:
        response.setdefault("headers", {}).update(header("WWW-Authenticate"))


def _binary_photo(document: dict[str, Any]) -> None:
    """Generators make a file upload of `format: binary` only (FastAPI writes `contentMediaType`)."""
    schemas = document["components"]["schemas"]
    form = schemas.pop("Body_createScan", None)
    if form is None:
        return
    image = form["properties"]["image"]
    form["properties"]["image"] = {
        "type": "string",
        "format": "binary",
        "description": image.get("description", "the photo"),
    }
    form["title"] = "CreateScanForm"
    form["description"] = "Send `image`, or the `image_key` of a presigned upload."
    schemas["CreateScanForm"] = form
    body = document["paths"]["/api/v1/scans"]["post"]["requestBody"]["content"]["multipart/form-data"]
    body["schema"] = {"$ref": "#/components/schemas/CreateScanForm"}
    body["encoding"] = {"image": {"contentType": "image/*"}}


def _drop_unused(document: dict[str, Any]) -> None:
    """FastAPI's own validation-error shapes: only error responses used them, and those are Problems now."""
    for name in ("HTTPValidationError", "ValidationError"):
        document["components"]["schemas"].pop(name, None)
