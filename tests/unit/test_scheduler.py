from wastecoach.scheduler import SCHEDULE, Periodic, memory_claim, period_id, tick


class Recorder:
    def __init__(self):
        self.messages = []

    async def publish(self, queue, body, *, priority=None, message_id=None):
        self.messages.append((queue, body["kind"], message_id))


async def test_two_schedulers_publish_each_period_once():
    schedule = (Periodic("expire_images", 3600),)
    claim = memory_claim()  # shared store, as Redis is for two pods
    a, b = Recorder(), Recorder()
    await tick(a, claim, 7200.0, schedule)
    await tick(b, claim, 7201.0, schedule)
    await tick(a, claim, 9000.0, schedule)
    assert a.messages == [("q.sched", "expire_images", "expire_images:2")]
    assert b.messages == []
    await tick(b, claim, 10800.0, schedule)
    assert b.messages == [("q.sched", "expire_images", "expire_images:3")]


async def test_redis_claim_on_the_real_redis():
    import uuid

    import redis.asyncio as redis

    from tests.conftest import REDIS_URL
    from wastecoach.scheduler import redis_claim

    client = redis.from_url(REDIS_URL)
    try:
        claim = redis_claim(client)
        key = f"test:{uuid.uuid4().hex}"
        assert await claim(key, 5) is True
        assert await claim(key, 5) is False
    finally:
        await client.aclose()


async def test_a_period_done_before_the_start_is_not_published_again():
    """up's migrate imports the open data: today's refresh is already claimed, the others go out."""
    now = 86_400.0 * 100 + 5
    claim = memory_claim(already=(period_id("refresh_open_data", now),))
    recorder = Recorder()
    await tick(recorder, claim, now + 60, SCHEDULE)
    kinds = {kind for _, kind, _ in recorder.messages}
    assert kinds == {"expire_images", "plan_reclassification"}
