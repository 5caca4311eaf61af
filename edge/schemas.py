"""REST shapes of the v1 contract (what the mobile app codes against)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from edge.problem_texts import TEXTS
from vision.formats import PHOTO_TYPES


def _no_nul(text: str | None) -> str | None:
    if text is not None and "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


# For text that reaches a database: PostgreSQL cannot store NUL, so it is the caller's 422 here.
NoNul = AfterValidator(_no_nul)
# RFC 6750 b64token: what a Bearer token may hold, as it travels on to the provider in a header.
BEARER_TOKEN = r"^[A-Za-z0-9\-._~+/]+=*$"


# Every list answers in one envelope: `items`, and `next_cursor` to pass as `?cursor=` for the next
# page (null: no more; lists that are not paged always answer null).
NextCursor = Annotated[
    str | None, Field(description="pass as `?cursor=` for the next page; null when there is no more")
]


class ProblemIssue(BaseModel):
    loc: list[str] = Field(
        description="where in the request: `body`, `query`, `header` or `path`, then the field"
    )
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error (`application/problem+json`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "about:blank",
                    "title": "Not Found",
                    "status": 404,
                    "code": "scan_not_found",
                    "detail": "스캔을 찾을 수 없습니다",
                    "grpc_status": "NOT_FOUND",
                }
            ]
        }
    )

    type: str = Field(description="always `about:blank`: `code` tells problems apart")
    title: str = Field(description="the HTTP status's phrase")
    status: int
    code: str = Field(
        description="stable machine code to branch on; it never changes with the language. Known codes: "
        + ", ".join(f"`{c}`" for c in TEXTS)
        + " (new ones may be added: treat an unknown code by its status)",
    )
    detail: str = Field(description="for people: Korean when Accept-Language prefers `ko`, else English")
    grpc_status: str | None = Field(
        default=None, description="the internal status, for problems a service reported"
    )
    errors: list[ProblemIssue] | None = Field(
        default=None, description="each invalid field (`validation_failed`)"
    )


class Category(BaseModel):
    code: str
    name_ko: str
    name_en: str


class Tokens(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJFUzI1NiIs...",
                    "refresh_token": "r1.9c2f...",
                    "token_type": "Bearer",
                    "expires_in": 900,
                }
            ]
        }
    )

    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


class DevLogin(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"nickname": "minji"}]})

    nickname: Annotated[str, Field(min_length=1, max_length=32), NoNul]


class AuthorizeStart(BaseModel):
    authorize_url: str
    state: str


class ProviderToken(BaseModel):
    access_token: str = Field(min_length=1, max_length=4096, pattern=BEARER_TOKEN)


class RedeemRequest(BaseModel):
    code: str = Field(min_length=1, max_length=256)
    # RFC 7636: the secret whose S256 hash was the sign-in's code_challenge.
    code_verifier: str = Field(min_length=43, max_length=128, pattern=r"^[A-Za-z0-9._~-]+$")


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class Profile(BaseModel):
    user_id: str
    nickname: str
    language: str
    region_code: str
    created_at: datetime


class ProfilePatch(BaseModel):
    nickname: Annotated[str | None, Field(min_length=1, max_length=32), NoNul] = None
    language: Literal["ko", "en"] | None = None
    region_code: str | None = Field(default=None, pattern=r"^(\d{5})?$")


class HistoryEntry(BaseModel):
    scan_id: str
    category_code: str
    item: str
    confidence: float
    scanned_at: datetime


class HistoryPage(BaseModel):
    items: list[HistoryEntry]
    next_cursor: NextCursor


class CategoryCount(BaseModel):
    category_code: str
    count: int


class Stats(BaseModel):
    total_scans: int
    by_category: list[CategoryCount]
    streak_days: int
    points: int


class Alternative(BaseModel):
    code: str
    confidence: float


class Disposal(BaseModel):
    steps: list[str]
    why: str
    bin: str
    tip: str


class Nearby(BaseModel):
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    distance_m: float
    accepts: list[str]
    address: str = ""
    map_url: str = ""


class QuestionChoice(BaseModel):
    id: str
    label: str
    category: Category
    item_id: str = ""


class ScanQuestion(BaseModel):
    """Asked when the photo cannot tell a difference that changes the bin; answer it with
    `POST /api/v1/scans/{scan_id}/answer`. Until then the result shows the safe choice's guidance."""

    id: str
    text: str
    choices: list[QuestionChoice]


class ScanAnswer(BaseModel):
    question_id: str
    choice_id: str
    predicted_category: str = Field(description="the category code the model proposed before the answer")
    answered_at: datetime


class AnswerRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"question_id": "pet-or-plastic", "choice_id": "clear-pet"}]}
    )

    question_id: str = Field(min_length=1, max_length=64)
    choice_id: str = Field(min_length=1, max_length=64)


class ScanResult(BaseModel):
    category: Category
    item: str
    item_ko: str
    material: str
    confidence: float
    alternatives: list[Alternative]
    needs_confirmation: bool
    disposal: Disposal
    coaching: list[str]
    nearby: list[Nearby]
    provider: str
    model: str
    question: ScanQuestion | None = Field(default=None, description="the open question, if any")
    answer: ScanAnswer | None = Field(default=None, description="the owner's answer, once given")


class ScanError(BaseModel):
    code: str
    message: str


class Scan(BaseModel):
    scan_id: str
    status: Literal["queued", "processing", "done", "failed"]
    created_at: datetime
    updated_at: datetime
    result: ScanResult | None = None
    error: ScanError | None = None


class ScanAccepted(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scan_id": "0b6f2c1e9d4a4f7c",
                    "status": "queued",
                    "status_url": "/api/v1/scans/0b6f2c1e9d4a4f7c",
                    "events_url": "/api/v1/scans/0b6f2c1e9d4a4f7c/events",
                }
            ]
        }
    )

    scan_id: str
    status: str
    status_url: str
    events_url: str


class ScanPage(BaseModel):
    items: list[Scan]
    next_cursor: NextCursor


class UploadRequest(BaseModel):
    # The same formats as a photo sent with the scan (vision/formats.py).
    content_type: Literal[tuple(PHOTO_TYPES)]  # type: ignore[valid-type]
    size: int = Field(gt=0, le=15 * 1024 * 1024)


class UploadTicket(BaseModel):
    upload_url: str
    image_key: str
    expires_at: datetime
    headers: dict[str, str]


class Item(BaseModel):
    id: str
    name_ko: str
    name_en: str
    category: Category
    steps: list[str]
    why: str
    common_mistake: str = ""
    source: str = ""
    # The item's own most-skipped step ("rinse the residue for 30 s in lukewarm water").
    tip: str = ""
    tip_kind: str = ""
    # Where it goes under the caller's district rules.
    bin: str = ""
    score: float | None = None


class ItemList(BaseModel):
    items: list[Item]
    next_cursor: NextCursor
    # True when no item matched well enough to be named: `items` are then up to three suggestions.
    uncertain: bool = False


class CategoryList(BaseModel):
    items: list[Category]
    next_cursor: NextCursor


class Question(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"question": "치킨 기름 묻은 피자 박스는 어디에 버려?"}]}
    )

    question: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    scan_id: Annotated[str | None, Field(max_length=64), NoNul] = None


class Answer(BaseModel):
    answer: str
    sources: list[Item]
    composed_by: str
    # True when the question named no item clearly: the answer says so and `sources` are suggestions.
    uncertain: bool = False


class DropOff(BaseModel):
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    distance_m: float | None = None
    accepts: list[str]
    address: str
    opening_hours: str
    source: str
    licence: str
    map_url: str
    updated_at: str


class DropOffList(BaseModel):
    items: list[DropOff]
    next_cursor: NextCursor
