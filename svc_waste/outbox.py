"""The scan-job outbox: a stored scan's job goes to the queue, and the relay sends what never got
there, re-drives jobs that were lost and gives up, visibly, on scans that never make progress.

The scan row is the outbox record (`published_at`): no job can be lost between storing a scan and
queueing its job, on either broker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from mesh import metrics
from mesh.job_messages import ScanJob
from mesh.jobs import Publisher
from svc_waste import domain
from svc_waste.repo import WasteRepo
from svc_waste.settings import WasteSettings

log = logging.getLogger(__name__)
GIVE_UP_MESSAGE = "We couldn't analyse this photo. Please take it again."
PUBLISH_TIMEOUT_S = 3.0


class Outbox:
    def __init__(
        self,
        repo: WasteRepo,
        publisher: Publisher,
        announce: Callable[[domain.Scan], Awaitable[None]],
        clock: Callable[[], datetime],
    ) -> None:
        self.repo, self.publisher, self.announce, self.clock = repo, publisher, announce, clock

    async def send(self, scan: domain.Scan, *, record: bool = True) -> bool:
        """Queues the scan's job; False when the broker did not take it (the relay retries).
        record=False: a re-drive, whose claim already recorded the send."""
        job = ScanJob(scan_id=scan.id, user_id=scan.user_id).body()
        try:
            # Bounded: with the broker down the request must not hang; the relay retries.
            await asyncio.wait_for(
                self.publisher.publish("q.ai", job, message_id=scan.id), timeout=PUBLISH_TIMEOUT_S
            )
        except Exception:
            log.exception("publishing the scan job failed", extra={"scan_id": scan.id})
            metrics.ERRORS.labels("publish").inc()
            return False
        if not record:
            return True
        try:
            await self.repo.mark_published(scan.id, self.clock())
        except Exception:
            # The job is out; the worst case is that the relay sends it once more (processing is
            # idempotent). The scan is stored: the caller must not see a failure now.
            log.exception("recording the published job failed", extra={"scan_id": scan.id})
            metrics.ERRORS.labels("publish").inc()
        return True

    async def send_new(self, scan: domain.Scan) -> None:
        """A new scan, stored as sent: when the broker does not take its job, the row says so and the
        relay sends it on its next pass. The scan is stored either way: no failure for the caller."""
        await self._send_claimed(scan)

    async def _send_claimed(self, scan: domain.Scan) -> bool:
        """Sends a job whose row already says it was sent; unless the broker confirmed it, the mark
        is cleared again, also when the call is cancelled (a deadline, a client that left)."""
        sent = False
        try:
            sent = await self.send(scan, record=False)
        finally:
            if not sent:
                await asyncio.shield(self._unmark(scan.id))
        return sent

    async def _unmark(self, scan_id: str) -> None:
        try:
            await self.repo.mark_unpublished(scan_id)
        except Exception:
            # Still marked as sent: the re-drive sweep sends it once its lease is over.
            log.exception("recording the unsent job failed", extra={"scan_id": scan_id})
            metrics.ERRORS.labels("publish").inc()

    async def give_up(self, scan: domain.Scan, message: str = GIVE_UP_MESSAGE) -> None:
        """A scan with no progress for the give-up age: failed visibly, never left queued for ever."""
        ended, changed = await self.repo.transition(
            scan.id, lambda s: domain.give_up(s, message, self.clock())
        )
        if changed:
            log.error("scan given up after repeated lost jobs", extra={"scan_id": scan.id})
            await self.announce(ended)

    async def relay_pass(self, now: datetime, settings: WasteSettings, lost_before: datetime) -> None:
        """One pass: publish jobs that never reached the broker, and re-drive scans whose job was
        lost (no progress since `lost_before`); give up on those with no progress for the give-up
        age. Replicas share the table: a claim lets one of them re-send a job."""
        for scan in await self.repo.unpublished(now - timedelta(seconds=settings.outbox_interval_s)):
            if await self.repo.claim_redrive(scan, now) and not await self._send_claimed(scan):
                return
        for scan in await self.repo.stalled(lost_before):
            # By age, which no re-drive resets; a scan with an earlier result keeps it (give_up).
            if scan.created_at < now - timedelta(seconds=settings.give_up_after_s):
                await self.give_up(scan)
            elif await self.repo.claim_redrive(scan, now) and not await self._send_claimed(scan):
                return

    async def run(self, settings: WasteSettings, redrive_on_start: bool) -> None:
        """Relay passes for ever. On the embedded default the queue lived in the process: at start
        every unfinished scan from before is re-driven at once; after that, a job is lost when its
        scan shows no progress for a lease."""
        started = datetime.now(UTC)
        first = redrive_on_start
        while True:
            if not first:
                await asyncio.sleep(settings.outbox_interval_s)
            try:
                now = datetime.now(UTC)
                lease = started if first else now - timedelta(seconds=settings.redrive_after_s)
                await self.relay_pass(now, settings, lease)
            except Exception:
                log.exception("outbox relay pass failed")
            first = False
