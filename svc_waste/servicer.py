"""WasteService: proto ⇄ domain for the scan lifecycle; storage, queue and events are injected."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import grpc

from mesh import metrics, paging
from mesh.cache import Cache, InProcessCache
from mesh.errors import InvalidInput, NotFound, Unauthenticated
from mesh.events import EventBus
from mesh.identity import require_system, require_user
from mesh.jobs import Publisher
from mesh.proto_time import to_timestamp
from mesh.tombstone import DELETED_DETAIL
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from protos.wastecoach.waste.v1 import waste_pb2_grpc
from svc_waste import domain, results
from svc_waste.outbox import Outbox
from svc_waste.repo import WasteRepo
from svc_waste.storage import ImageStore, check_key
from vision.formats import PHOTO_TYPES

log = logging.getLogger(__name__)

_STATUS = {
    domain.QUEUED: pb.SCAN_STATUS_QUEUED,
    domain.PROCESSING: pb.SCAN_STATUS_PROCESSING,
    domain.DONE: pb.SCAN_STATUS_DONE,
    domain.FAILED: pb.SCAN_STATUS_FAILED,
}
CACHE_TTL_S = 24 * 3600
# A queued or processing scan's entry: a state whose write the cache missed (an outage) is read
# from the database again within this; a scan pending longer costs one database read a minute.
PENDING_CACHE_TTL_S = 60
# A stored image no scan points to is deleted once it is this old: younger, its scan may still be on
# the way (CreateScan writes the image just before the row; an app uploads, then creates the scan).
ORPHAN_GRACE = timedelta(hours=1)
# The orphan sweep reads the store a page at a time and resumes where the last call stopped: a
# bucket of millions is covered over several runs instead of listed whole in one call.
ORPHAN_PAGE = 1000
ORPHAN_PAGES_PER_CALL = 10
# Where images live: scans/<user id>/… (sent with the scan) and uploads/<user id>/… (presigned).
IMAGE_PREFIXES = ("scans/", "uploads/")


def to_proto(scan: domain.Scan, result: pb.ScanResult | None = None) -> pb.Scan:
    """`result`: the scan's result when the caller holds it already (saves parsing the stored JSON)."""
    message = pb.Scan(
        scan_id=scan.id,
        user_id=scan.user_id,
        status=_STATUS[scan.status],
        created_at=to_timestamp(scan.created_at),
        updated_at=to_timestamp(scan.updated_at),
        error_code=scan.error_code,
        error_message=scan.error_message,
        hint=scan.hint,
        language=scan.language,
        image_key=scan.image_key,
        version=scan.version,
        attempts=scan.attempts,
    )
    if scan.lat is not None and scan.lon is not None:
        message.lat, message.lon = scan.lat, scan.lon
    if result is not None:
        message.result.CopyFrom(result)
    elif scan.result_json:
        message.result.CopyFrom(results.parse(scan.result_json))
    return message


def feedback_to_proto(f: domain.Feedback) -> pb.Feedback:
    return pb.Feedback(
        scan_id=f.scan_id,
        image_key=f.image_key,
        predicted_category=f.predicted_category,
        chosen_category=f.chosen_category,
        question_id=f.question_id,
        choice_id=f.choice_id,
        model=f.model,
        answered_at=to_timestamp(f.answered_at),
    )


class WasteServicer(waste_pb2_grpc.WasteServiceServicer):
    def __init__(
        self,
        repo: WasteRepo,
        store: ImageStore,
        publisher: Publisher,
        events: EventBus,
        cache: Cache | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.cache = cache or InProcessCache()
        self.repo = repo
        self.store = store
        self.publisher = publisher
        self.events = events
        self.clock = clock
        self.outbox = Outbox(repo, publisher, self._announce, lambda: self.clock())
        self._orphan_cursor = dict.fromkeys(IMAGE_PREFIXES, "")

    async def _owned(self, scan_id: str, user_id: str) -> domain.Scan:
        scan = await self.repo.get(scan_id)
        # Someone else's scan is reported as missing: its existence is not the caller's business.
        if scan is None or scan.user_id != user_id:
            raise NotFound("scan not found")
        return scan

    async def _announce(self, scan: domain.Scan, message: pb.Scan | None = None) -> pb.Scan:
        """Counts and shares the new state; returns the scan's message (built once per change)."""
        metrics.SCANS.labels(scan.status).inc()
        message = message or to_proto(scan)
        await self._share(scan, message)
        return message

    async def _share(self, scan: domain.Scan, message: pb.Scan | None = None) -> None:
        """The new state for readers: the scan's cache entry and its event channel."""
        await self._cache(scan, message)
        await self.events.publish(f"scan:{scan.id}", {"status": scan.status, "version": scan.version})

    async def _cache(self, scan: domain.Scan, message: pb.Scan | None = None) -> None:
        """Every state of a scan, owner included, under `scan:<id>`: the edge answers polls from it
        and checks the owner (edge/routes/scans.py). The higher version wins a race of writers; a
        pending entry lives briefly, so a write lost to a cache outage heals on the next miss."""
        ttl = CACHE_TTL_S if scan.status in domain.FINISHED else PENDING_CACHE_TTL_S
        message = message or to_proto(scan)
        await self.cache.set_newer(f"scan:{scan.id}", message.SerializeToString(), scan.version, ttl)

    async def _refuse_deleted(self, user_id: str) -> None:
        if await self.repo.is_deleted(user_id):
            raise Unauthenticated(DELETED_DETAIL)

    async def _purge(self, user_id: str) -> int:
        """Deletes the user's scans, then every image stored under their name: those of the deleted
        rows, and those whose row was never written (a scan in flight, an upload never used)."""
        scans = await self.repo.delete_user(user_id)
        await self.cache.delete(*(f"scan:{scan_id}" for scan_id, _ in scans))
        keys = {key for _, key in scans if key}  # "": the image already expired
        for prefix in IMAGE_PREFIXES:
            keys.update(key for key, _ in await self.store.list(f"{prefix}{user_id}/"))
        for key in sorted(keys):
            await self.store.delete(key)
        return len(scans)

    async def _drop_unstored(self, scan_id: str, image_key: str) -> None:
        """The row insert failed: the image written for it goes too, unless the row made it after all
        (a commit whose answer was lost). Where that cannot be told, the orphan sweep decides later."""
        try:
            if await self.repo.get(scan_id) is None:
                await self.store.delete(image_key)
        except Exception:
            log.warning(
                "could not remove the image of an unstored scan", exc_info=True, extra={"scan_id": scan_id}
            )

    async def CreateScan(
        self, request: pb.CreateScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateScanResponse:
        user_id = await require_user(context)
        await self._refuse_deleted(user_id)
        lat = request.lat if request.HasField("lat") else None
        lon = request.lon if request.HasField("lon") else None
        domain.check_location(lat, lon)
        hint = domain.clean_hint(request.hint)
        key = domain.clean_idempotency_key(request.idempotency_key)
        scan_id = uuid.uuid4().hex
        if request.image:
            content_type = domain.sniff_image(request.image)
            image_key = f"scans/{user_id}/{scan_id}.{PHOTO_TYPES[content_type]}"
        elif request.image_key:
            image_key = check_key(request.image_key)
            if not image_key.startswith(f"uploads/{user_id}/"):
                raise NotFound("image_key not found")
            content_type = domain.sniff_image(await self.store.get(image_key))
        else:
            raise InvalidInput("send an image or the image_key of an upload")
        # Only a keyed request can come again: the photo is hashed for those alone.
        fingerprint = domain.fingerprint(request.image, request.image_key, lat, lon, hint) if key else None
        now = self.clock()
        scan = domain.Scan(
            id=scan_id,
            user_id=user_id,
            status=domain.QUEUED,
            created_at=now,
            updated_at=now,
            image_key=image_key,
            content_type=content_type,
            lat=lat,
            lon=lon,
            hint=hint,
            language=domain.clean_language(request.language),
            idempotency_key=key,
            request_fingerprint=fingerprint,
            # Stored as sent: the job goes out right after the insert, and a failed send clears it
            # (one write per scan instead of two). A crash in between is a lost job for the sweep.
            published_at=now,
        )
        if key is not None:
            earlier = await self.repo.by_key(user_id, key)
            if earlier is not None:
                earlier = domain.replay(earlier, fingerprint)
                return pb.CreateScanResponse(scan=to_proto(earlier), created=False)
        if request.image:
            await self.store.put(image_key, request.image, content_type)
        try:
            stored, created = await self.repo.create(scan)
        except Exception:
            if request.image:
                await self._drop_unstored(scan_id, image_key)
            raise
        if created and await self.repo.is_deleted(user_id):
            # Written, then checked: the account was deleted meanwhile and its deletion may have
            # missed this row (its delete saw the table as it was before).
            await self._purge(user_id)
            raise Unauthenticated(DELETED_DETAIL)
        if created:
            message = await self._announce(stored)
            await self.outbox.send_new(stored)
            return pb.CreateScanResponse(scan=message, created=True)
        if request.image:
            await self.store.delete(image_key)
        # A concurrent request with the same key stored its scan first.
        return pb.CreateScanResponse(scan=to_proto(domain.replay(stored, fingerprint)), created=False)

    async def GetScan(
        self, request: pb.GetScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScanResponse:
        user_id = await require_user(context)
        cached = await self.cache.get(f"scan:{request.scan_id}")
        if cached is not None:
            scan = pb.Scan.FromString(cached)
            if scan.user_id == user_id:
                return pb.GetScanResponse(scan=scan)
        owned = await self._owned(request.scan_id, user_id)
        message = to_proto(owned)
        # A miss (a restart, an eviction, an expired pending entry): the next polls are cheap again.
        await self._cache(owned, message)
        return pb.GetScanResponse(scan=message)

    async def ListScans(
        self, request: pb.ListScansRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScansResponse:
        user_id = await require_user(context)
        limit = paging.page_size(request.limit)
        scans = await self.repo.list_for_user(user_id, paging.decode_cursor(request.cursor), limit + 1)
        page = scans[:limit]
        cursor = paging.encode_cursor(page[-1].created_at, page[-1].id) if len(scans) > limit else ""
        return pb.ListScansResponse(scans=[to_proto(s) for s in page], next_cursor=cursor)

    async def CreateUpload(
        self, request: pb.CreateUploadRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateUploadResponse:
        user_id = await require_user(context)
        await self._refuse_deleted(user_id)
        if request.content_type not in PHOTO_TYPES:
            raise InvalidInput("content_type must be one of " + ", ".join(PHOTO_TYPES))
        if not 0 < request.size <= domain.MAX_IMAGE_BYTES:
            raise InvalidInput(f"size must be between 1 and {domain.MAX_IMAGE_BYTES} bytes")
        key = f"uploads/{user_id}/{uuid.uuid4().hex}.{PHOTO_TYPES[request.content_type]}"
        url, expires, headers = await self.store.presign_put(key, request.content_type, request.size)
        return pb.CreateUploadResponse(
            upload_url=url, image_key=key, expires_at=to_timestamp(expires), headers=headers
        )

    async def DeleteUserScans(
        self, request: pb.DeleteUserScansRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteUserScansResponse:
        user_id = await require_user(context)
        # The tombstone first: from here on nothing new is stored for the account (CreateScan).
        await self.repo.tombstone(user_id, self.clock())
        return pb.DeleteUserScansResponse(deleted=await self._purge(user_id))

    async def StartProcessing(
        self, request: pb.StartProcessingRequest, context: grpc.aio.ServicerContext
    ) -> pb.StartProcessingResponse:
        await require_system(context)
        scan, changed = await self.repo.transition(
            request.scan_id, lambda s: domain.start(s, self.clock(), request.attempt, request.reclassify)
        )
        message = await self._announce(scan) if changed else to_proto(scan)
        finished = scan.status == domain.DONE and not (changed and request.reclassify)
        reply = pb.StartProcessingResponse(scan=message, already_finished=finished)
        if not finished and scan.image_key:
            # The worker's next need: one call instead of a second round trip for the photo.
            with contextlib.suppress(NotFound):  # gone (expired in the bucket): the worker fails it
                reply.image, reply.content_type = await self.store.get(scan.image_key), scan.content_type
        return reply

    async def GetScanImage(
        self, request: pb.GetScanImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScanImageResponse:
        await require_system(context)
        scan = await self.repo.get(request.scan_id)
        if scan is None:
            raise NotFound("scan not found")
        if not scan.image_key:
            raise NotFound("the image is no longer stored")
        return pb.GetScanImageResponse(
            image=await self.store.get(scan.image_key), content_type=scan.content_type
        )

    async def CompleteScan(
        self, request: pb.CompleteScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.CompleteScanResponse:
        await require_system(context)
        result = results.both(request.result)
        result_json = results.dump(result)
        scan, changed = await self.repo.transition(
            request.scan_id, lambda s: domain.complete(s, result_json, result.model, self.clock())
        )
        if changed:
            metrics.SCAN_SECONDS.observe(
                (scan.updated_at - scan.created_at).total_seconds(), exemplar=metrics.trace_exemplar()
            )
            # The stored JSON is this result (`both` is what `parse` gives back): no need to parse it.
            return pb.CompleteScanResponse(
                scan=await self._announce(scan, to_proto(scan, result)), completed_now=True
            )
        return pb.CompleteScanResponse(scan=to_proto(scan), completed_now=False)

    async def FailScan(
        self, request: pb.FailScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.FailScanResponse:
        await require_system(context)
        scan, changed = await self.repo.transition(
            request.scan_id,
            lambda s: domain.fail(s, request.error_code or "failed", request.error_message, self.clock()),
        )
        return pb.FailScanResponse(scan=await self._announce(scan) if changed else to_proto(scan))

    async def ExpireImages(
        self, request: pb.ExpireImagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExpireImagesResponse:
        await require_system(context)
        if request.retention_days < 1:
            raise InvalidInput("retention_days must be at least 1")
        cutoff = self.clock() - timedelta(days=request.retention_days)
        expired = 0
        for scan in await self.repo.finished_with_images(cutoff, request.limit or 500):
            # The row forgets the key first: a crash in between leaves a stray file, never a dangling key.
            _, changed = await self.repo.transition(scan.id, lambda s: domain.expire_image(s, self.clock()))
            if changed:
                await self.store.delete(scan.image_key)
                await self.cache.delete(f"scan:{scan.id}")
                expired += 1
        orphans = await self._sweep_orphans(self.clock() - ORPHAN_GRACE, request.limit or 500)
        if orphans:
            log.info("deleted images no scan points to", extra={"images": orphans})
        return pb.ExpireImagesResponse(expired=expired)

    async def _sweep_orphans(self, older_than: datetime, limit: int) -> int:
        """Deletes up to `limit` stored images that no scan points to: left by a crash between
        writing an image and its row, or uploaded and never used."""
        removed = 0
        for prefix in IMAGE_PREFIXES:
            for _ in range(ORPHAN_PAGES_PER_CALL):
                last = self._orphan_cursor[prefix]
                page = await self.store.list(prefix, last, ORPHAN_PAGE)
                # A short page is the end: the next call starts over from the beginning.
                self._orphan_cursor[prefix] = page[-1][0] if len(page) == ORPHAN_PAGE else ""
                batch = [key for key, modified in page if modified < older_than]
                kept = await self.repo.referenced_images(batch)
                for key in batch:
                    if removed >= limit:
                        # Resume here next time: what this call did not reach is not skipped.
                        self._orphan_cursor[prefix] = last
                        return removed
                    if key not in kept:
                        await self.store.delete(key)
                        removed += 1
                    last = key
                if not self._orphan_cursor[prefix]:
                    break
        return removed

    async def ListScansForReclassification(
        self, request: pb.ListScansForReclassificationRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListScansForReclassificationResponse:
        await require_system(context)
        if not request.current_model:
            raise InvalidInput("current_model is required")
        ids = await self.repo.reclassifiable(request.current_model, request.limit or 100)
        return pb.ListScansForReclassificationResponse(scan_ids=ids)

    async def AnswerScan(
        self, request: pb.AnswerScanRequest, context: grpc.aio.ServicerContext
    ) -> pb.AnswerScanResponse:
        user_id = await require_user(context)
        await self._refuse_deleted(user_id)
        current = await self._owned(request.scan_id, user_id)
        if results.repeats(results.parse(current.result_json), request.question_id, request.choice_id):
            # A retry of an answer already applied: the same scan again, so the caller can finish
            # what failed after it (the history row), instead of a 409.
            return pb.AnswerScanResponse(scan=to_proto(current))
        feedback_id = uuid.uuid4().hex

        def change(current: domain.Scan) -> tuple[domain.Scan, domain.Feedback]:
            result = results.parse(current.result_json)
            given = domain.answer(
                current,
                results.open_question(result),
                results.predicted(result),
                request.question_id,
                request.choice_id,
                self.clock(),
            )
            after = domain.answered(
                current, results.dump(results.apply_answer(result, given)), given.answered_at
            )
            return after, domain.feedback(current, given, feedback_id)

        scan = await self.repo.answer(request.scan_id, change)
        await self._share(scan)
        return pb.AnswerScanResponse(scan=to_proto(scan))

    async def ListFeedback(
        self, request: pb.ListFeedbackRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListFeedbackResponse:
        await require_system(context)
        limit = paging.page_size(request.limit)
        examples = await self.repo.list_feedback(paging.decode_cursor(request.cursor), limit + 1)
        page = examples[:limit]
        cursor = paging.encode_cursor(page[-1].answered_at, page[-1].id) if len(examples) > limit else ""
        return pb.ListFeedbackResponse(feedback=[feedback_to_proto(f) for f in page], next_cursor=cursor)
