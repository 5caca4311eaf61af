"""Runs job handlers on RabbitMQ with FastStream: manual ack after the work is committed,
bounded retries through per-queue delay queues, then q.dlq with the reason and attempt count."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitMessage

from mesh import metrics
from mesh.jobs import DEAD_LETTER_QUEUE, Handler, RetryPolicy
from mesh.rabbit import RabbitPublisher, make_broker, retry_queue, work_queue

log = logging.getLogger(__name__)


def _count(message: RabbitMessage, header: str, default: int) -> int:
    try:
        return max(default, int((message.headers or {}).get(header, default)))
    except (TypeError, ValueError):
        return default


def make_callback(queue: str, handler: Handler, publisher: RabbitPublisher, retry: RetryPolicy):
    async def on_message(body: dict[str, Any], msg: RabbitMessage) -> None:
        attempt = _count(msg, "x-attempt", 1)
        ctx = retry.context(queue, msg.message_id or "", attempt, _count(msg, "x-outages", 0))
        start = time.perf_counter()
        try:
            await handler(body, ctx)
        except Exception as exc:
            metrics.ERRORS.labels("job").inc()
            reason = f"{type(exc).__name__}: {exc}"[:1000]
            headers = {"x-original-queue": queue, "x-attempts": attempt, "x-reason": reason}
            redelivery = retry.redelivery(ctx, exc)
            if redelivery is None:
                log.error("job dead-lettered", extra={"queue": queue, "reason": reason, "attempts": attempt})
                headers["x-failed-at"] = datetime.now(UTC).isoformat()
                await publisher.publish(DEAD_LETTER_QUEUE, body, message_id=msg.message_id, headers=headers)
            else:
                log.warning(
                    "job failed, retrying", extra={"queue": queue, "attempt": attempt, "reason": reason}
                )
                headers["x-attempt"], headers["x-outages"] = redelivery.attempt, redelivery.outages
                # Routed through the delay queue: it expires there and dead-letters back to `queue`.
                await publisher.publish(
                    queue,
                    body,
                    message_id=msg.message_id,
                    headers=headers,
                    expiration_s=redelivery.delay_s,
                    routing_queue=f"{queue}.retry",
                )
        finally:
            metrics.JOB_SECONDS.labels(queue).observe(time.perf_counter() - start)
        # Only now: the result (or its retry / dead letter, confirmed by the broker) is safe.
        await msg.ack()

    on_message.__name__ = f"handle_{queue.replace('.', '_')}"
    return on_message


def build_broker(
    url: str,
    handlers: dict[str, Handler],
    *,
    retry: RetryPolicy | None = None,
    prefetch: int | Callable[[str], int] = 8,
    middlewares: tuple[Any, ...] | None = None,
) -> RabbitBroker:
    broker = make_broker(url) if middlewares is None else make_broker(url, middlewares=middlewares)
    publisher = RabbitPublisher(broker)
    policy = retry or RetryPolicy()
    for queue, handler in handlers.items():
        count = prefetch(queue) if callable(prefetch) else prefetch
        broker.subscriber(
            work_queue(queue), ack_policy=AckPolicy.MANUAL, channel=Channel(prefetch_count=count)
        )(make_callback(queue, handler, publisher, policy))
        broker.publisher(retry_queue(queue))
    return broker


async def watch_depth(broker: RabbitBroker, queues: list[str], interval_s: float = 15.0) -> None:
    """Publishes each queue's ready-message count as wastecoach_queue_depth (the consumers' HPA signal)."""
    while True:
        for name in queues:
            try:
                queue = await broker.declare_queue(work_queue(name))
                # Re-declaring (same arguments) asks the broker for a fresh count; the cached one is stale.
                fresh = await queue.declare()
                metrics.QUEUE_DEPTH.labels(name).set(fresh.message_count)
            except Exception:
                log.warning("queue depth unavailable", extra={"queue": name}, exc_info=True)
        await asyncio.sleep(interval_s)
