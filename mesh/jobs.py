"""Queue vocabulary shared by publishers and consumers, and the in-process broker of the embedded default.

The in-process broker gives the same contract as the RabbitMQ one: priorities, bounded retries
with backoff, then a dead letter with its reason. Handlers are the same functions on both.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from opentelemetry import propagate, trace

from mesh import metrics
from mesh.errors import is_outage
from mesh.job_messages import InvalidJob

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("wastecoach.jobs")

# The original design's queues and their priorities (x-max-priority on RabbitMQ).
QUEUE_PRIORITY = {"q.ai": 10, "q.api": 5, "q.sched": 3, "q.batch": 1}
DEAD_LETTER_QUEUE = "q.dlq"


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` bounds failures of the job itself; an outage of a service or database it needs
    (see `is_outage`) is retried on its own, longer budget: a PostgreSQL restart is not the job's fault."""

    max_attempts: int = 3
    base_delay_s: float = 0.5
    factor: float = 4.0
    outage_retries: int = 40
    max_outage_delay_s: float = 5.0

    def delay(self, attempt: int) -> float:
        return self.base_delay_s * self.factor ** (attempt - 1)

    def outage_delay(self, outages: int) -> float:
        """Backoff between outage retries, capped so service resumes within seconds of recovery."""
        return min(self.delay(outages), self.max_outage_delay_s)

    def context(self, queue: str, message_id: str, attempt: int, outages: int) -> JobContext:
        return JobContext(
            queue, message_id, attempt, attempt >= self.max_attempts, outages, self.outage_retries
        )

    def redelivery(self, ctx: JobContext, exc: BaseException) -> Redelivery | None:
        """What follows a failed delivery, the same on every broker; None means the dead-letter queue."""
        if not ctx.retried_after(exc):
            return None
        if is_outage(exc):  # keeps its attempt count and spends the outage budget
            return Redelivery(ctx.attempt, ctx.outages + 1, self.outage_delay(ctx.outages + 1))
        return Redelivery(ctx.attempt + 1, ctx.outages, self.delay(ctx.attempt))


@dataclass(frozen=True)
class Redelivery:
    """The counters of the next delivery and how long to wait before it."""

    attempt: int
    outages: int
    delay_s: float


@dataclass(frozen=True)
class JobContext:
    """What a handler knows about its delivery; `final` means no retry follows a failure of the job."""

    queue: str
    message_id: str
    attempt: int
    final: bool
    outages: int = 0
    outage_retries: int = 0

    def retried_after(self, exc: BaseException) -> bool:
        """Whether another delivery follows this failure (decided the same way by every broker)."""
        if isinstance(exc, InvalidJob):  # the message itself is wrong: no retry can fix it
            return False
        if is_outage(exc):
            return self.outages < self.outage_retries
        return not self.final


Handler = Callable[[dict[str, Any], JobContext], Awaitable[None]]


class Publisher(Protocol):
    async def publish(
        self, queue: str, body: dict[str, Any], *, priority: int | None = None, message_id: str | None = None
    ) -> None: ...


@dataclass
class DeadLetter:
    queue: str
    message_id: str
    body: dict[str, Any]
    reason: str
    attempts: int
    dead_at: float = field(default_factory=time.time)


@dataclass(order=True)
class _Entry:
    rank: tuple[int, int]
    queue: str = field(compare=False)
    message_id: str = field(compare=False)
    body: dict[str, Any] = field(compare=False)
    attempt: int = field(compare=False, default=1)
    outages: int = field(compare=False, default=0)
    # W3C trace context of the publisher, as RabbitMQ carries it in headers.
    carrier: dict[str, str] = field(compare=False, default_factory=dict)


class InProcessBroker:
    """A priority dispatcher inside the process: higher queue/message priority is served first."""

    def __init__(self, *, workers: int = 2, retry: RetryPolicy | None = None) -> None:
        self._queue: asyncio.PriorityQueue[_Entry] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self._handlers: dict[str, Handler] = {}
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        self._retry = retry or RetryPolicy()
        self.dead_letters: list[DeadLetter] = []

    def subscribe(self, queue: str, handler: Handler) -> None:
        self._handlers[queue] = handler

    async def publish(
        self, queue: str, body: dict[str, Any], *, priority: int | None = None, message_id: str | None = None
    ) -> None:
        if queue not in QUEUE_PRIORITY:
            raise ValueError(f"unknown queue {queue!r}")
        carrier: dict[str, str] = {}
        with _tracer.start_as_current_span(f"{queue} publish", kind=trace.SpanKind.PRODUCER):
            propagate.inject(carrier)
        self._put(queue, message_id or uuid.uuid4().hex, body, 1, priority, carrier)

    def _put(
        self,
        queue: str,
        message_id: str,
        body: dict[str, Any],
        attempt: int,
        priority: int | None,
        carrier: dict[str, str] | None = None,
        outages: int = 0,
    ) -> None:
        level = priority if priority is not None else QUEUE_PRIORITY[queue]
        entry = _Entry((-level, next(self._seq)), queue, message_id, body, attempt, outages, carrier or {})
        self._queue.put_nowait(entry)
        metrics.QUEUE_DEPTH.labels(queue).inc()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"inproc-worker-{i}") for i in range(self._workers)
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def replay(self, message_id: str | None = None) -> int:
        chosen = [d for d in self.dead_letters if message_id in (None, d.message_id)]
        for dead in chosen:
            self.dead_letters.remove(dead)
            self._put(dead.queue, dead.message_id, dead.body, 1, None)
        return len(chosen)

    async def _work(self) -> None:
        while True:
            entry = await self._queue.get()
            metrics.QUEUE_DEPTH.labels(entry.queue).dec()
            try:
                await self._deliver(entry)
            finally:
                self._queue.task_done()

    async def _deliver(self, entry: _Entry) -> None:
        handler = self._handlers.get(entry.queue)
        if handler is None:
            self._dead(entry, "no consumer for this queue")
            return
        ctx = self._retry.context(entry.queue, entry.message_id, entry.attempt, entry.outages)
        start = time.perf_counter()
        span = _tracer.start_as_current_span(
            f"{entry.queue} process", context=propagate.extract(entry.carrier), kind=trace.SpanKind.CONSUMER
        )
        try:
            with span:
                await handler(entry.body, ctx)
        except Exception as exc:
            metrics.ERRORS.labels("job").inc()
            reason = f"{type(exc).__name__}: {exc}"
            redelivery = self._retry.redelivery(ctx, exc)
            if redelivery is None:
                self._dead(entry, reason)
            else:
                log.warning("job failed, will retry", extra={"queue": entry.queue, "attempt": entry.attempt})
                await self._retry_later(entry, redelivery)
        finally:
            metrics.JOB_SECONDS.labels(entry.queue).observe(time.perf_counter() - start)

    async def _retry_later(self, entry: _Entry, redelivery: Redelivery) -> None:
        async def later() -> None:
            await asyncio.sleep(redelivery.delay_s)
            self._put(
                entry.queue,
                entry.message_id,
                entry.body,
                redelivery.attempt,
                None,
                entry.carrier,
                redelivery.outages,
            )

        # Keep a reference so the retry is not garbage-collected mid-sleep.
        task = asyncio.create_task(later())
        self._tasks.append(task)

    def _dead(self, entry: _Entry, reason: str) -> None:
        log.error(
            "job dead-lettered", extra={"queue": entry.queue, "reason": reason, "attempts": entry.attempt}
        )
        self.dead_letters.append(DeadLetter(entry.queue, entry.message_id, entry.body, reason, entry.attempt))

    async def drain(self) -> None:
        await self._queue.join()
