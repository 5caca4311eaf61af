"""Scans: submit a photo, poll or stream its progress, answer its question."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from google.protobuf.message import DecodeError

from edge import convert, errors, schemas
from edge.auth import Identity
from edge.clients import Clients
from edge.deps import (
    CacheDep,
    ClientsDep,
    CurrentUser,
    DrainingDep,
    EventsDep,
    Language,
    LimiterDep,
    RenderedDep,
    SettingsDep,
    as_user,
)
from edge.errors import ApiError
from edge.openapi import header
from edge.rendered import RenderedBodies
from edge.schemas import NoNul
from mesh.cache import Cache
from mesh.proto_time import from_timestamp
from protos.wastecoach.users.v1 import users_pb2
from protos.wastecoach.waste.v1 import waste_pb2
from vision.formats import PHOTO_NAMES

router = APIRouter(prefix="/api/v1/scans", tags=["scans"])
FINISHED = {"done", "failed"}
# Pollers come back after this many seconds while a scan is pending.
RETRY_AFTER_S = 1

SSE_KEEPALIVE_S = 15.0
# Without the event bus (Redis down) the stream re-reads the scan this often instead.
SSE_POLL_S = 1.0
# How soon a client reconnects after the server ended its stream for a shutdown.
SSE_RETRY_MS = 1000
# Room in this route's body (edge/body_gate.py) beyond the photo (settings.max_upload_bytes): the
# other form fields and the multipart framing. Other routes take small JSON only.
FORM_OVERHEAD = 64 * 1024
ScanId = Annotated[str, Path(max_length=64), NoNul]
SSE_RESPONSE = {
    "description": "Server-sent events until the scan is done or failed. Event `status` (its `id` is the "
    "scan's version; send it as `Last-Event-ID` to resume): `data` is the scan as `getScan` answers it "
    "(the `Scan` schema), one per transition queued → processing → done | failed; the stream ends "
    "after done or failed. Comment lines (`: keep-alive`) come every 15 s; a `retry:` line ends the "
    "stream when the server shuts down (reconnect after that many ms).",
    "content": {
        "text/event-stream": {
            # OpenAPI 3.2's shape of one event (tools that predate it read the description above).
            "itemSchema": {
                "type": "object",
                "required": ["event", "data"],
                "properties": {
                    "id": {"type": "string", "description": "the scan's version"},
                    "event": {"type": "string", "enum": ["status"]},
                    "data": {
                        "type": "string",
                        "contentMediaType": "application/json",
                        "contentSchema": {"$ref": "#/components/schemas/Scan"},
                    },
                    "retry": {"type": "integer", "description": "ms before reconnecting (shutdown)"},
                },
            },
            "example": 'id: 1\nevent: status\ndata: {"scan_id": "8f14e45f", "status": "queued", '
            '"created_at": "2026-11-03T09:00:00Z", "updated_at": "2026-11-03T09:00:00Z", '
            '"result": null, "error": null}\n\n',
        }
    },
}


def _etag(scan: waste_pb2.Scan) -> str:
    return f'W/"{scan.scan_id}-{scan.version}"'


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "image_too_large", args={"mb": limit // (1024 * 1024)})
    return data


@router.post(
    "",
    status_code=202,
    response_model=schemas.ScanAccepted,
    responses={
        202: {
            "description": "queued: poll `status_url` or follow `events_url`",
            "headers": header("Location"),
        },
        **errors.problem_responses(413),
    },
    operation_id="createScan",
)
async def create_scan(
    request: Request,
    user: CurrentUser,
    clients: ClientsDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    language: Language,
    image: Annotated[UploadFile | None, File(description=f"the photo ({PHOTO_NAMES})")] = None,
    image_key: Annotated[str | None, Form(max_length=255)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    hint: Annotated[str | None, Form(max_length=200), NoNul] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=128,
            description="a key of the app's choosing: the same key again answers the first scan "
            "(422 `idempotency_key_reused` when the photo, place or hint differ)",
        ),
    ] = None,
) -> JSONResponse:
    wait_s = await limiter.hit(f"scan:{user.user_id}", settings.scan_rate_per_minute)
    if wait_s:
        raise ApiError(429, "too_many_scans", headers={"Retry-After": str(wait_s)})
    if image is None and not image_key:
        raise ApiError(422, "image_missing")
    data = await _read_limited(image, settings.max_upload_bytes) if image is not None else b""
    if image is not None and not data:
        raise ApiError(422, "image_empty")
    scan_request = waste_pb2.CreateScanRequest(
        image=data,
        image_key=image_key or "",
        hint=hint or "",
        idempotency_key=idempotency_key or "",
        language=language,
    )
    if lat is not None:
        scan_request.lat = lat
    if lon is not None:
        scan_request.lon = lon
    reply = await clients.waste.CreateScan(scan_request, metadata=as_user(user))
    scan_id = reply.scan.scan_id
    status_url = str(request.url_for("get_scan", scan_id=scan_id).path)
    body = schemas.ScanAccepted(
        scan_id=scan_id,
        status=convert.STATUS.get(reply.scan.status, "queued"),
        status_url=status_url,
        events_url=f"{status_url}/events",
    )
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": status_url})


@router.post("/uploads", response_model=schemas.UploadTicket, operation_id="createUpload")
async def create_upload(
    body: schemas.UploadRequest, user: CurrentUser, clients: ClientsDep
) -> schemas.UploadTicket:
    reply = await clients.waste.CreateUpload(
        waste_pb2.CreateUploadRequest(content_type=body.content_type, size=body.size), metadata=as_user(user)
    )
    return schemas.UploadTicket(
        upload_url=reply.upload_url,
        image_key=reply.image_key,
        expires_at=from_timestamp(reply.expires_at),
        headers=dict(reply.headers),
    )


@router.get("", response_model=schemas.ScanPage, operation_id="listScans")
async def list_scans(
    user: CurrentUser,
    clients: ClientsDep,
    cursor: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.ScanPage:
    reply = await clients.waste.ListScans(
        waste_pb2.ListScansRequest(cursor=cursor, limit=limit), metadata=as_user(user)
    )
    return schemas.ScanPage(
        items=[convert.scan(s) for s in reply.scans], next_cursor=reply.next_cursor or None
    )


@router.get(
    "/{scan_id}",
    response_model=schemas.Scan,
    name="get_scan",
    operation_id="getScan",
    responses={
        200: {
            "description": "the scan; `Retry-After` while it is queued or processing",
            "headers": header("ETag", "Cache-Control", "Retry-After"),
        },
        304: {
            "description": "unchanged since the `If-None-Match` ETag (no body)",
            "headers": header("ETag", "Cache-Control", "Retry-After"),
        },
    },
)
async def get_scan(
    scan_id: ScanId,
    user: CurrentUser,
    clients: ClientsDep,
    cache: CacheDep,
    rendered: RenderedDep,
    if_none_match: Annotated[
        str | None,
        Header(alias="If-None-Match", description="the ETag of the last answer: 304 while unchanged"),
    ] = None,
) -> Response:
    return poll_answer(await _read(cache, clients, scan_id, user), if_none_match, rendered)


def poll_answer(scan: waste_pb2.Scan, if_none_match: str | None, rendered: RenderedBodies) -> Response:
    """The answer to a poll (this route's, and edge/fast_poll.py's for a published scan)."""
    etag = _etag(scan)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if convert.STATUS.get(scan.status, "queued") not in FINISHED:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    if if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
        # Most polls end here: the state did not change, and nothing is rendered.
        return Response(status_code=304, headers=headers)
    body = rendered.get(etag, lambda: convert.scan(scan).model_dump_json().encode())
    return Response(body, media_type="application/json", headers=headers)


async def _read(cache: Cache, clients: Clients, scan_id: str, user: Identity) -> waste_pb2.Scan:
    scan = await published(cache, scan_id, user.user_id)
    if scan is None:
        # Nothing published (a restart, an eviction): the waste service reads it and caches it again.
        scan = (
            await clients.waste.GetScan(waste_pb2.GetScanRequest(scan_id=scan_id), metadata=as_user(user))
        ).scan
    return scan


async def published(cache: Cache, scan_id: str, user_id: str) -> waste_pb2.Scan | None:
    """The scan as the waste service last published it to the shared cache (svc_waste/servicer.py
    `_cache`: every state, with its owner), or None. No database and no gRPC call: a crowd polls
    every 0.5 s. Someone else's scan is None too, so the service answers it (404) as before."""
    return as_published(await cache.get(f"scan:{scan_id}"), user_id)


def as_published(cached: bytes | None, user_id: str) -> waste_pb2.Scan | None:
    """A published scan's cache entry, when there is one and it is the caller's."""
    if cached is None:
        return None
    try:
        scan = waste_pb2.Scan.FromString(cached)
    except DecodeError:
        return None
    return scan if scan.user_id == user_id else None


@router.post(
    "/{scan_id}/answer",
    response_model=schemas.Scan,
    operation_id="answerScan",
    responses={200: {"description": "the scan with the answer's guidance", "headers": header("ETag")}},
)
async def answer_scan(
    scan_id: ScanId,
    body: schemas.AnswerRequest,
    user: CurrentUser,
    clients: ClientsDep,
) -> Response:
    """Answers the scan's open question: the chosen answer's guidance becomes the result (409 when
    no question is open any more, 422 for a choice the question does not offer)."""
    metadata = as_user(user)
    reply = await clients.waste.AnswerScan(
        waste_pb2.AnswerScanRequest(scan_id=scan_id, question_id=body.question_id, choice_id=body.choice_id),
        metadata=metadata,
    )
    scan = reply.scan
    # History and stats follow the answer, as the worker recorded the scan when it finished.
    entry = users_pb2.HistoryEntry(
        scan_id=scan.scan_id,
        category_code=scan.result.category.code,
        item=scan.result.item or scan.result.category.name_en,
        item_ko=scan.result.item_ko or scan.result.category.name_ko,
        language=scan.language,
        confidence=scan.result.confidence,
        scanned_at=scan.created_at,
    )
    await clients.users.RecordScan(users_pb2.RecordScanRequest(entry=entry), metadata=metadata)
    return Response(
        convert.scan(scan).model_dump_json(),
        media_type="application/json",
        headers={"ETag": _etag(scan), "Cache-Control": "private, no-cache"},
    )


async def _next_event(incoming, draining: asyncio.Event) -> bool:
    """Waits for the scan's next event or a shutdown; False when the keep-alive interval passed."""
    getter = asyncio.ensure_future(incoming.get())
    stopper = asyncio.ensure_future(draining.wait())
    timeout = SSE_KEEPALIVE_S if incoming.live else SSE_POLL_S
    try:
        done, _ = await asyncio.wait({getter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Also when the stream itself is cancelled (the client left): no waiter outlives it.
        getter.cancel()
        stopper.cancel()
    return bool(done)


@router.get(
    "/{scan_id}/events",
    response_class=StreamingResponse,
    operation_id="streamScanEvents",
    responses={200: SSE_RESPONSE},
)
async def scan_events(
    scan_id: ScanId,
    request: Request,
    user: CurrentUser,
    clients: ClientsDep,
    cache: CacheDep,
    events: EventsDep,
    draining: DrainingDep,
) -> StreamingResponse:
    """Server-sent events: one `status` event per transition (queued → processing → done|failed)."""
    # Ownership, before the stream opens: a 404 is a proper HTTP error.
    await _read(cache, clients, scan_id, user)
    # A client resuming after a reconnect sends the last version it saw; it is not sent again.
    resume = request.headers.get("last-event-id", "")
    seen = int(resume) if resume.isdigit() and len(resume) < 19 else -1

    async def stream() -> AsyncIterator[str]:
        async with events.subscribe(f"scan:{scan_id}") as incoming:
            # Re-read after subscribing so a transition between the first read and now is not missed.
            scan = await _read(cache, clients, scan_id, user)
            last = seen
            while True:
                finished = convert.scan(scan).status in FINISHED
                if scan.version != last:
                    last = scan.version
                    data = json.dumps(convert.scan(scan).model_dump(mode="json"), ensure_ascii=False)
                    yield f"id: {scan.version}\nevent: status\ndata: {data}\n\n"
                if finished:
                    return
                if not await _next_event(incoming, draining):
                    yield ": keep-alive\n\n"
                if draining.is_set():
                    # The server is shutting down: end the stream and tell the client when to come back.
                    yield f"retry: {SSE_RETRY_MS}\n\n"
                    return
                if await request.is_disconnected():
                    return
                # The cache is written before the event is sent (svc_waste `_share`).
                scan = await _read(cache, clients, scan_id, user)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
