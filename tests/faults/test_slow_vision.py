"""A slow cloud vision provider: scans time out into the on-device model, the edge never stalls.

Embedded default on purpose: the consumers share one event loop (and its default thread pool)
with the edge and the gRPC services, so a cloud call that blocked either would show up as edge
latency here. The client probes from the test thread, outside that loop.
"""

from __future__ import annotations

import statistics
import time

import httpx

from consumers.settings import ConsumerSettings
from consumers.wiring import build_vision
from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.faults.conftest import mesh_in_thread, now, p99, verdict
from tests.mesh.conftest import photo
from tests.vision.fake_openai import FakeOpenAI
from wastecoach.settings import Settings

# Scans stuck in the provider at the same time, one in-process worker each; also the size of
# the loop's default thread pool on 2 CPUs, so a cloud call parked in a thread would fill it.
STALLED = 6
LATE = 2  # scans submitted while the others are stuck: accepting scans must not stall either
AFTER = 3  # scans submitted once the breaker is open
TIMEOUT_S = 1.0  # vision_timeout_s: per HTTP attempt
HANG_S = 5.0  # every provider request hangs this long, far past the timeout
ON_DEVICE = "on_device"


def _submit(http: httpx.Client, headers: dict[str, str], image) -> httpx.Response:
    return http.post(
        "/api/v1/scans", headers=headers, files={"image": (image.name, image.read_bytes(), "image/jpeg")}
    )


def _wait(check, limit_s: float, every_s: float = 0.05):
    deadline = now() + limit_s
    while not (result := check()):
        if now() > deadline:
            raise AssertionError(f"not reached within {limit_s}s")
        time.sleep(every_s)
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def test_slow_vision_times_out_to_on_device_without_starving_the_edge(tmp_path):
    started = now()
    statuses: list[int] = []
    with FakeOpenAI(slow_s=HANG_S) as cloud:
        consumers = ConsumerSettings(
            inprocess_workers=STALLED,
            vision_openai_api_key=cloud.api_key,
            vision_openai_base_url=cloud.base_url,
            vision_timeout_s=TIMEOUT_S,
            vision_mode="cloud_first",  # every scan goes to the (slow) cloud, whatever the photo
        )
        # The coach has no LLM key (coaching from the KB), so every request the fake sees is a
        # vision one. A slow LLM is a scenario of its own.
        settings = Settings(
            mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False),
            edge=EdgeSettings(scan_rate_per_minute=10_000),
            consumers=consumers,
        )
        # The production wiring, built here to keep a handle on the provider and its breaker.
        vision = build_vision(consumers)
        provider = vision.primary
        assert provider is not None and provider.timeout_s == TIMEOUT_S
        tries = provider.max_retries + 1  # the SDK retries a timed-out request
        breaker = provider.breaker
        assert STALLED >= breaker.failure_threshold  # the stalled scans alone must open it
        cloud.script(*["slow"] * ((STALLED + LATE + AFTER) * tries))  # every request that could come

        with (
            mesh_in_thread(settings, vision=vision) as mesh,
            httpx.Client(base_url=mesh.url, timeout=30) as http,
        ):

            def call(method: str, url: str, **kwargs) -> tuple[httpx.Response, float]:
                start = now()
                reply = http.request(method, url, **kwargs)
                statuses.append(reply.status_code)
                return reply, now() - start

            reply, _ = call("POST", "/api/v1/auth/dev/login", json={"nickname": "slow-vision"})
            headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}
            reads = [
                ("GET", "/healthz", {}),
                ("GET", "/api/v1/users/me", {"headers": headers}),
                ("GET", "/api/v1/items?q=pet", {"headers": headers}),
                ("GET", "/api/v1/scans", {"headers": headers}),
            ]
            for method, url, kwargs in reads:  # warm-up: first calls fill caches
                call(method, url, **kwargs)

            images = iter(photo("trashnet/plastic", i) for i in range(STALLED + LATE + AFTER))
            accepted: list[str] = []
            for _ in range(STALLED):
                reply = _submit(http, headers, next(images))
                statuses.append(reply.status_code)
                assert reply.status_code == 202, reply.text
                accepted.append(reply.json()["scan_id"])
            # Every stalled scan has its first provider request hanging.
            _wait(lambda: len(cloud.requests) >= STALLED, 30)
            stall_began = now()

            # Probe the edge until every scan is finished: reads, each scan's status, and a few
            # new scans (the one edge path that uses the loop's thread pool: the image write).
            state = dict.fromkeys(accepted, "processing")
            samples: list[float] = []
            stall_calls = 0  # samples[:stall_calls]: before the first scan came out of the provider
            first_done_at = None
            rounds = 0
            deadline = now() + 60
            while any(s not in ("done", "failed") for s in state.values()):
                assert now() < deadline, f"scans still pending after 60s: {state}"
                rounds += 1
                for method, url, kwargs in reads:
                    samples.append(call(method, url, **kwargs)[1])
                for scan_id in list(state):
                    reply, took = call("GET", f"/api/v1/scans/{scan_id}", headers=headers)
                    samples.append(took)
                    state[scan_id] = reply.json()["status"]
                if len(state) < STALLED + LATE:
                    start = now()
                    reply = _submit(http, headers, next(images))
                    samples.append(now() - start)
                    statuses.append(reply.status_code)
                    assert reply.status_code == 202, reply.text
                    state[reply.json()["scan_id"]] = "queued"
                    accepted.append(reply.json()["scan_id"])
                if first_done_at is None and "done" in state.values():
                    first_done_at = now()
                if first_done_at is None:
                    stall_calls = len(samples)
            stall_s = (first_done_at or now()) - stall_began
            # The loop and its thread pool stayed free while the provider hung: a whole round
            # (every read, every stalled scan's status, a new scan) was answered before any scan
            # came out of the provider. A loop held by a cloud call answers nothing until the call
            # times out, and by then the first fallbacks are done. How fast: bench/, not here.
            first_round = len(reads) + STALLED + 1
            assert stall_calls >= first_round, f"{stall_calls} edge calls answered during the stall"
            during_stall = samples[:stall_calls]
            assert len(accepted) == STALLED + LATE

            # Each stalled scan waited out all its timed-out tries; a late one may have
            # tried the cloud too if it was picked up before the breaker opened.
            assert len(cloud.requests) % tries == 0, len(cloud.requests)
            cloud_scans = len(cloud.requests) // tries
            assert STALLED <= cloud_scans <= STALLED + LATE, cloud_scans
            assert breaker.state == "open"

            # Breaker open: later scans skip the cloud, so they don't wait for a timeout.
            calls_before = len(cloud.requests)
            after_s: list[float] = []
            for _ in range(AFTER):
                start = now()
                reply = _submit(http, headers, next(images))
                statuses.append(reply.status_code)
                assert reply.status_code == 202, reply.text
                scan_id = reply.json()["scan_id"]
                accepted.append(scan_id)

                def finished(scan_id=scan_id):
                    reply, _ = call("GET", f"/api/v1/scans/{scan_id}", headers=headers)
                    return reply.json()["status"] in ("done", "failed")

                _wait(finished, 30, 0.02)
                after_s.append(now() - start)
            # ... so none of them waited for a provider timeout.
            assert len(cloud.requests) == calls_before, "the open breaker let a request through"

            scans = [call("GET", f"/api/v1/scans/{s}", headers=headers)[0].json() for s in accepted]
            for scan in scans:
                assert scan["status"] == "done", scan
                assert scan["result"]["provider"] == ON_DEVICE, scan["result"]
            reply, _ = call("GET", "/api/v1/users/me/scans?limit=100", headers=headers)
            history = [h["scan_id"] for h in reply.json()["items"]]
            assert sorted(history) == sorted(accepted)  # every scan exactly once
            assert mesh.broker.dead_letters == []

    runtime_s = now() - started
    server_errors = [s for s in statuses if s >= 500]
    edge_p50, edge_p99 = statistics.median(during_stall), p99(during_stall)
    verdict(
        f"slow-vision: provider hangs {HANG_S:.0f}s, timeout {TIMEOUT_S:.0f}s x{tries} tries; "
        f"{len(accepted)} scans all done '{ON_DEVICE}' via fallback, each once in history; "
        f"edge during the {stall_s:.1f}s stall p50 {_ms(edge_p50)} ms / p99 {_ms(edge_p99)} ms "
        f"over {len(during_stall)} calls (until all done: p99 {_ms(p99(samples))} ms, max "
        f"{_ms(max(samples))} ms); {calls_before} provider requests for {cloud_scans} "
        f"scans, then breaker open: {AFTER} later scans made 0 requests, done in <= "
        f"{_ms(max(after_s))} ms; {len(statuses)} requests, {len(server_errors)} 5xx; {runtime_s:.0f}s"
    )
    assert not server_errors, statuses
    assert set(statuses) <= {200, 202}, statuses
