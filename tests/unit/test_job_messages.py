"""Job messages are typed: what publishers send parses into its queue's model, and a message that
does not fit is dead-lettered at once with the reason, on both brokers' shared handlers."""

import asyncio

import pytest

from consumers.upkeep_jobs import SCHED_KINDS, dispatcher
from consumers.wiring import scan_handler
from mesh.job_messages import InvalidJob, Reclassify, ScanJob, parse
from mesh.jobs import InProcessBroker, JobContext


def test_what_publishers_send_parses_back():
    assert parse("q.ai", ScanJob(scan_id="s1", user_id="u").body()) == ScanJob(scan_id="s1", user_id="u")
    assert parse("q.batch", Reclassify(scan_id="s1").body()).scan_id == "s1"
    assert parse("q.sched", {"kind": "expire_images"}).kind == "expire_images"
    # A field from a newer publisher does not break an older consumer.
    assert parse("q.ai", {"scan_id": "s1", "later_field": 1}).scan_id == "s1"


@pytest.mark.parametrize(
    ("queue", "body"),
    [
        ("q.ai", {}),
        ("q.ai", {"scan_id": ""}),
        ("q.ai", {"scan_id": "x" * 65}),
        ("q.sched", {"kind": "format_disk"}),
        ("q.api", {"kind": "kakao_sync", "query": "의류수거함", "lat": 300, "lon": 127}),
        ("q.batch", {"kind": "reclassify"}),
    ],
)
def test_a_message_that_does_not_fit_is_refused_with_its_reason(queue, body):
    with pytest.raises(InvalidJob, match=f"invalid {queue} message"):
        parse(queue, body)


def test_an_invalid_job_is_never_retried():
    ctx = JobContext("q.ai", "m1", attempt=1, final=False, outages=0, outage_retries=40)
    assert not ctx.retried_after(InvalidJob("bad"))
    assert ctx.retried_after(RuntimeError("flaky"))


async def test_the_in_process_broker_dead_letters_a_bad_message_on_its_first_delivery():
    broker = InProcessBroker(workers=1)
    broker.subscribe("q.ai", scan_handler(deps=None))
    broker.subscribe("q.sched", dispatcher(SCHED_KINDS, deps=None))
    await broker.start()
    try:
        await broker.publish("q.ai", {"scan": "no id"}, message_id="bad-scan")
        await broker.publish("q.sched", {"kind": "format_disk"}, message_id="bad-kind")
        await asyncio.wait_for(broker.drain(), 5)
    finally:
        await broker.stop()
    dead = {d.message_id: d for d in broker.dead_letters}
    assert set(dead) == {"bad-scan", "bad-kind"}
    assert all(d.attempts == 1 and "InvalidJob: invalid" in d.reason for d in dead.values())
