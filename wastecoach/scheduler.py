"""Publishes the periodic q.sched jobs. Safe with two instances running: each period's job is
claimed once (Redis SET NX on the period's key) before it is published."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mesh.job_messages import parse
from mesh.jobs import Publisher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    kind: str
    every_s: int


SCHEDULE = (
    Periodic("expire_images", 3600),
    Periodic("refresh_open_data", 24 * 3600),
    Periodic("plan_reclassification", 6 * 3600),
)
Claim = Callable[[str, int], Awaitable[bool]]


def redis_claim(client) -> Claim:
    async def claim(key: str, ttl_s: int) -> bool:
        return bool(await client.set(f"wastecoach:sched:{key}", "1", nx=True, ex=ttl_s))

    return claim


def period_id(kind: str, now: float, schedule: tuple[Periodic, ...] = SCHEDULE) -> str:
    """The message id of `kind`'s current period (what `tick` claims)."""
    every = next(job.every_s for job in schedule if job.kind == kind)
    return f"{kind}:{int(now // every)}"


def memory_claim(already: tuple[str, ...] = ()) -> Claim:
    """already: periods done before the scheduler started (up's migrate imported the open data)."""
    claimed: set[str] = set(already)

    async def claim(key: str, ttl_s: int) -> bool:
        if key in claimed:
            return False
        claimed.add(key)
        return True

    return claim


async def tick(
    publisher: Publisher, claim: Claim, now: float, schedule: tuple[Periodic, ...] = SCHEDULE
) -> list[str]:
    """Publishes each job whose current period was not yet claimed; returns the published ids."""
    published = []
    for job in schedule:
        message_id = period_id(job.kind, now, schedule)
        if await claim(message_id, job.every_s * 2):
            body = parse("q.sched", {"kind": job.kind}).body()
            await publisher.publish("q.sched", body, message_id=message_id)
            published.append(message_id)
    return published


async def run(
    publisher: Publisher, claim: Claim, interval_s: float = 30.0, first_delay_s: float = 0.0
) -> None:
    """first_delay_s: how long a fresh start waits before its first tick."""
    await asyncio.sleep(first_delay_s)
    while True:
        try:
            for message_id in await tick(publisher, claim, time.time()):
                log.info("scheduled job published", extra={"message_id": message_id})
        except Exception:
            log.exception("scheduler tick failed; retrying next interval")
        await asyncio.sleep(interval_s)
