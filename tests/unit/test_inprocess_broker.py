import asyncio

from mesh.jobs import InProcessBroker, JobContext, RetryPolicy


async def test_higher_priority_is_served_first_with_a_backlog():
    broker = InProcessBroker(workers=1)
    seen: list[str] = []
    broker.subscribe("q.batch", lambda body, ctx: _record(seen, body))
    broker.subscribe("q.ai", lambda body, ctx: _record(seen, body))
    for i in range(3):
        await broker.publish("q.batch", {"n": f"batch{i}"})
    await broker.publish("q.ai", {"n": "ai"})
    await broker.start()
    await asyncio.wait_for(broker.drain(), 5)
    await broker.stop()
    assert seen[0] == "ai"
    assert seen[1:] == ["batch0", "batch1", "batch2"]


async def _record(seen: list[str], body: dict) -> None:
    seen.append(body["n"])


async def _until(condition, limit_s: float = 3.0) -> None:
    """Polls until `condition()` holds or the limit passes (the assertions after it then say why)."""
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_retries_then_dead_letters_with_reason():
    broker = InProcessBroker(workers=1, retry=RetryPolicy(max_attempts=3, base_delay_s=0.01, factor=1))
    contexts: list[JobContext] = []

    async def failing(body: dict, ctx: JobContext) -> None:
        contexts.append(ctx)
        raise RuntimeError("vision backend down")

    broker.subscribe("q.ai", failing)
    await broker.start()
    await broker.publish("q.ai", {"scan_id": "s1"}, message_id="m1")
    await _until(lambda: broker.dead_letters, 2.0)
    await broker.stop()
    assert [c.attempt for c in contexts] == [1, 2, 3]
    assert [c.final for c in contexts] == [False, False, True]
    dead = broker.dead_letters[0]
    assert dead.message_id == "m1" and dead.attempts == 3
    assert "vision backend down" in dead.reason


async def test_replay_runs_a_dead_letter_again():
    broker = InProcessBroker(workers=1, retry=RetryPolicy(max_attempts=1))
    outcomes: list[str] = []
    broken = True

    async def handler(body: dict, ctx: JobContext) -> None:
        if broken:
            raise RuntimeError("boom")
        outcomes.append(body["scan_id"])

    broker.subscribe("q.ai", handler)
    await broker.start()
    await broker.publish("q.ai", {"scan_id": "s1"}, message_id="m1")
    await asyncio.wait_for(broker.drain(), 5)
    assert len(broker.dead_letters) == 1
    broken = False
    assert await broker.replay("m1") == 1
    await asyncio.wait_for(broker.drain(), 5)
    await broker.stop()
    assert outcomes == ["s1"] and broker.dead_letters == []


async def test_an_outage_is_retried_on_its_own_budget_without_spending_attempts():
    policy = RetryPolicy(max_attempts=2, base_delay_s=0.01, factor=1, outage_retries=3)
    broker = InProcessBroker(workers=1, retry=policy)
    contexts: list[JobContext] = []

    async def flaky(body: dict, ctx: JobContext) -> None:
        contexts.append(ctx)
        if body["scan_id"] == "down" or len(contexts) <= 2:
            raise ConnectionRefusedError(111, "database restarting")

    broker.subscribe("q.ai", flaky)
    await broker.start()
    # Two outages, then success: more failures than max_attempts, yet no dead letter.
    await broker.publish("q.ai", {"scan_id": "heals"}, message_id="m1")
    await _until(lambda: len(contexts) == 3, 2.0)
    assert [(c.attempt, c.outages) for c in contexts] == [(1, 0), (1, 1), (1, 2)]
    # A lasting outage ends in a dead letter once its own budget is spent.
    contexts.clear()
    await broker.publish("q.ai", {"scan_id": "down"}, message_id="m2")
    await _until(lambda: broker.dead_letters)
    await broker.stop()
    assert [c.outages for c in contexts] == [0, 1, 2, 3]
    assert [d.message_id for d in broker.dead_letters] == ["m2"]
    assert "database restarting" in broker.dead_letters[0].reason
