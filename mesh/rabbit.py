"""RabbitMQ plumbing via FastStream: queue declarations (priorities, dead-lettering) and the publisher."""

from __future__ import annotations

from typing import Any

from faststream.rabbit import RabbitBroker, RabbitQueue

from mesh.jobs import DEAD_LETTER_QUEUE, QUEUE_PRIORITY
from mesh.telemetry import instrumented


def work_queue(name: str) -> RabbitQueue:
    # A rejected (unparseable) message still ends in q.dlq through the broker's own dead-lettering.
    return RabbitQueue(
        name,
        durable=True,
        arguments={
            "x-max-priority": QUEUE_PRIORITY[name],
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": DEAD_LETTER_QUEUE,
        },
    )


def retry_queue(name: str) -> RabbitQueue:
    """Messages wait here for their backoff (per-message expiration), then dead-letter back to `name`."""
    return RabbitQueue(
        f"{name}.retry",
        durable=True,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": name},
    )


def dead_letter_queue() -> RabbitQueue:
    return RabbitQueue(DEAD_LETTER_QUEUE, durable=True)


def all_queues() -> list[RabbitQueue]:
    return [
        dead_letter_queue(),
        *(work_queue(n) for n in QUEUE_PRIORITY),
        *(retry_queue(n) for n in QUEUE_PRIORITY),
    ]


def make_broker(url: str, **kwargs: Any) -> RabbitBroker:
    if "middlewares" not in kwargs:
        # Trace context crosses the broker in the `traceparent` header, when spans go anywhere: with
        # no exporter (mesh/telemetry.py) a span per message is CPU spent on nothing.
        from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware

        kwargs["middlewares"] = (RabbitTelemetryMiddleware(),) if instrumented() else ()
    kwargs.setdefault("logger", None)
    return RabbitBroker(url, **kwargs)


async def declare_all(broker: RabbitBroker) -> None:
    for queue in all_queues():
        await broker.declare_queue(queue)


class RabbitPublisher:
    """Persistent messages with publisher confirms (FastStream's channel default), routed by queue name."""

    def __init__(self, broker: RabbitBroker) -> None:
        self.broker = broker

    async def publish(
        self,
        queue: str,
        body: dict[str, Any],
        *,
        priority: int | None = None,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
        expiration_s: float | None = None,
        routing_queue: str | None = None,
    ) -> None:
        if queue not in QUEUE_PRIORITY and queue != DEAD_LETTER_QUEUE:
            raise ValueError(f"unknown queue {queue!r}")
        await self.broker.publish(
            body,
            queue=routing_queue or queue,
            persist=True,
            priority=priority if priority is not None else QUEUE_PRIORITY.get(queue),
            message_id=message_id,
            headers=headers,
            expiration=expiration_s,
            content_type="application/json",
        )
