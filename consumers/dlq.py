"""Dead letters on RabbitMQ: list them with their reasons, replay one or all to their original queue."""

from __future__ import annotations

from typing import Any

import aio_pika

from mesh.jobs import DEAD_LETTER_QUEUE, QUEUE_PRIORITY


def _describe(message: aio_pika.abc.AbstractIncomingMessage) -> dict[str, Any]:
    headers = dict(message.headers or {})
    return {
        "message_id": message.message_id,
        "queue": headers.get("x-original-queue") or _first_death_queue(headers),
        "attempts": headers.get("x-attempts"),
        "reason": headers.get("x-reason") or "rejected by the broker (unparseable or expired)",
        "failed_at": headers.get("x-failed-at"),
        "body": message.body.decode("utf-8", "replace"),
    }


def _first_death_queue(headers: dict[str, Any]) -> str | None:
    deaths = headers.get("x-death") or []
    return deaths[0].get("queue") if deaths else None


async def _drain(url: str):
    connection = await aio_pika.connect_robust(url)
    channel = await connection.channel()
    queue = await channel.declare_queue(DEAD_LETTER_QUEUE, durable=True)
    return connection, channel, queue


async def list_dead_letters(url: str, limit: int = 1000) -> list[dict[str, Any]]:
    connection, _, queue = await _drain(url)
    seen: list[aio_pika.abc.AbstractIncomingMessage] = []
    try:
        while len(seen) < limit:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            seen.append(message)
        return [_describe(m) for m in seen]
    finally:
        # Unacked messages return to the queue when the channel closes: listing consumes nothing.
        for message in seen:
            await message.nack(requeue=True)
        await connection.close()


async def replay_dead_letters(url: str, message_id: str | None) -> int:
    """Moves matching dead letters back to their queue as a fresh first attempt."""
    connection, channel, queue = await _drain(url)
    replayed = 0
    keep: list[aio_pika.abc.AbstractIncomingMessage] = []
    try:
        while True:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            info = _describe(message)
            target = info["queue"]
            if (message_id is not None and message.message_id != message_id) or target not in QUEUE_PRIORITY:
                keep.append(message)
                continue
            await channel.default_exchange.publish(
                aio_pika.Message(
                    body=message.body,
                    content_type=message.content_type,
                    message_id=message.message_id,
                    priority=QUEUE_PRIORITY[target],
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    headers={"x-attempt": 1, "x-replayed": True},
                ),
                routing_key=target,
            )
            await message.ack()
            replayed += 1
        return replayed
    finally:
        for message in keep:
            await message.nack(requeue=True)
        await connection.close()
