"""Delivery guarantees on the real RabbitMQ: priorities, retries with backoff, dead letters, replay."""

import asyncio

from consumers.dlq import list_dead_letters, replay_dead_letters
from consumers.rabbit_runner import build_broker
from mesh.jobs import JobContext, RetryPolicy
from mesh.rabbit import RabbitPublisher, declare_all, make_broker


async def _publisher(url):
    broker = make_broker(url)
    await broker.start()
    await declare_all(broker)
    return broker, RabbitPublisher(broker)


async def _wait(predicate, limit_s=15.0):
    deadline = asyncio.get_running_loop().time() + limit_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def _eventually(check, limit_s=15.0):
    """The first truthy result of an async check, polled until the limit."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
    return result


async def test_backlog_is_consumed_highest_priority_first(rabbit_vhost_url):
    producer, publisher = await _publisher(rabbit_vhost_url)
    order = [3, 9, 1, 10, 5, 7]
    for p in order:
        await publisher.publish("q.ai", {"p": p}, priority=p)
    seen: list[int] = []

    async def handler(body, ctx: JobContext):
        seen.append(body["p"])

    consumer = build_broker(rabbit_vhost_url, {"q.ai": handler}, prefetch=1)
    await consumer.start()
    try:
        await _wait(lambda: len(seen) == len(order))
    finally:
        await consumer.stop()
        await producer.stop()
    assert seen == sorted(order, reverse=True)


async def test_failing_job_is_retried_then_dead_lettered_and_replayable(rabbit_vhost_url):
    producer, publisher = await _publisher(rabbit_vhost_url)
    attempts: list[JobContext] = []
    state = {"broken": True, "done": 0}

    async def handler(body, ctx: JobContext):
        attempts.append(ctx)
        if state["broken"]:
            raise RuntimeError("model file missing")
        state["done"] += 1

    consumer = build_broker(
        rabbit_vhost_url, {"q.ai": handler}, retry=RetryPolicy(max_attempts=3, base_delay_s=0.05, factor=2)
    )
    await consumer.start()
    try:
        await publisher.publish("q.ai", {"scan_id": "s1"}, message_id="job-1")
        await _wait(lambda: len(attempts) == 3)
        # The third failure's dead letter is published after the handler returned: wait for it.
        letters = await _eventually(lambda: list_dead_letters(rabbit_vhost_url))
        assert len(letters) == 1
        letter = letters[0]
        assert letter["message_id"] == "job-1" and letter["queue"] == "q.ai" and letter["attempts"] == 3
        assert "model file missing" in letter["reason"]
        assert [a.attempt for a in attempts] == [1, 2, 3] and attempts[-1].final
        # Listing consumed nothing; replay after the fix completes the job once.
        assert len(await list_dead_letters(rabbit_vhost_url)) == 1
        state["broken"] = False
        assert await replay_dead_letters(rabbit_vhost_url, "job-1") == 1
        await _wait(lambda: state["done"] == 1)
        assert await list_dead_letters(rabbit_vhost_url) == []
    finally:
        await consumer.stop()
        await producer.stop()


async def test_queue_depth_is_reported_for_autoscaling(rabbit_vhost_url):
    from consumers.rabbit_runner import watch_depth
    from mesh import metrics

    producer, publisher = await _publisher(rabbit_vhost_url)
    try:
        for i in range(7):
            await publisher.publish("q.batch", {"n": i})
        task = asyncio.create_task(watch_depth(producer, ["q.batch"], interval_s=0.1))
        await _wait(lambda: metrics.QUEUE_DEPTH.labels("q.batch")._value.get() == 7)
        task.cancel()
    finally:
        await producer.stop()


async def test_prefetch_sets_how_many_jobs_run_at_once(rabbit_vhost_url):
    producer, publisher = await _publisher(rabbit_vhost_url)
    running, peak = 0, 0

    async def slow(body, ctx: JobContext):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.3)
        running -= 1

    for i in range(8):
        await publisher.publish("q.api", {"n": i})
    consumer = build_broker(rabbit_vhost_url, {"q.api": slow}, prefetch=4)
    await consumer.start()
    try:
        await _wait(lambda: peak >= 4 and running == 0)
    finally:
        await consumer.stop()
        await producer.stop()
    assert peak == 4  # never more than the prefetch window


async def test_a_message_that_does_not_fit_its_queue_is_dead_lettered_at_once(rabbit_vhost_url):
    """The scan handler the consumers run parses its message first: a malformed one is not retried."""
    from consumers.wiring import scan_handler

    producer, publisher = await _publisher(rabbit_vhost_url)
    consumer = build_broker(rabbit_vhost_url, {"q.ai": scan_handler(deps=None)}, retry=RetryPolicy())
    await consumer.start()
    try:
        await publisher.publish("q.ai", {"scan": "no id"}, message_id="bad-1")
        letters = await _eventually(lambda: list_dead_letters(rabbit_vhost_url))
        assert [(x["message_id"], x["attempts"]) for x in letters] == [("bad-1", 1)]
        assert "invalid q.ai message" in letters[0]["reason"] and "scan_id" in letters[0]["reason"]
    finally:
        await consumer.stop()
        await producer.stop()
