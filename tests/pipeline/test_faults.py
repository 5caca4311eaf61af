"""Delivery guarantees of the whole pipeline on the real RabbitMQ, PostgreSQL and Redis."""

import asyncio
import signal
import subprocess

import httpx

from tests.mesh.conftest import photo
from tests.pipeline.conftest import eventually, login, start_consumer, start_mesh
from tests.vision.fake_openai import FakeOpenAI


async def _submit(http, headers, image, **data):
    return await http.post(
        "/api/v1/scans",
        headers=headers,
        data=data,
        files={"image": (image.name, image.read_bytes(), "image/jpeg")},
    )


async def _status(http, headers, scan_id):
    return (await http.get(f"/api/v1/scans/{scan_id}", headers=headers)).json()


async def test_consumer_killed_mid_job_completes_exactly_once(stack_settings):
    mesh = await start_mesh(stack_settings, run_consumers=False)
    consumers: list[subprocess.Popen] = []
    try:
        with FakeOpenAI(slow_s=30) as cloud:
            cloud.script("slow")  # the first vision call hangs: the consumer dies inside it
            env = {
                "WASTECOACH_VISION_OPENAI_API_KEY": cloud.api_key,
                "WASTECOACH_VISION_OPENAI_BASE_URL": cloud.base_url,
                "WASTECOACH_VISION_TIMEOUT_S": "60",
                "WASTECOACH_VISION_MODE": "cloud_first",  # the hanging call must be the cloud's
            }
            async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
                headers = await login(http, "crash")
                scan_id = (await _submit(http, headers, photo("trashnet/plastic"))).json()["scan_id"]
                consumers.append(start_consumer(mesh, **env))
                await eventually(lambda: _async(len(cloud.requests) >= 1), 60)
                assert (await _status(http, headers, scan_id))["status"] == "processing"
                consumers[0].send_signal(signal.SIGKILL)
                consumers[0].wait(10)
                consumers.append(start_consumer(mesh, **env))
                done = await eventually(lambda: _finished(http, headers, scan_id), 90)
                assert done["status"] == "done" and done["result"]["provider"] == "openai"
                history = (await http.get("/api/v1/users/me/scans", headers=headers)).json()["items"]
                assert [h["scan_id"] for h in history] == [scan_id]  # one history row
                assert len(cloud.requests) == 2  # the killed attempt and the redelivery, nothing more
                scans = (await http.get("/api/v1/scans", headers=headers)).json()["items"]
                assert [s["scan_id"] for s in scans] == [scan_id]
    finally:
        for proc in consumers:
            proc.kill()
            proc.wait(10)
        await mesh.stop()


async def _async(value):
    return value


async def _finished(http, headers, scan_id):
    body = await _status(http, headers, scan_id)
    return body if body["status"] in ("done", "failed") else None


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


async def test_rabbitmq_restart_loses_no_accepted_scan(stack_settings):
    mesh = await start_mesh(stack_settings)
    accepted: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=mesh.url, timeout=30) as http:
            headers = await login(http, "outage")
            images = [photo("trashnet/cardboard", i) for i in range(10)]
            for image in images[:4]:
                reply = await _submit(http, headers, image)
                assert reply.status_code == 202
                accepted.append(reply.json()["scan_id"])
            await asyncio.to_thread(_rabbitmqctl, "stop_app")
            try:
                for image in images[4:8]:
                    reply = await _submit(http, headers, image)
                    assert reply.status_code == 202  # accepted while the broker is down: the outbox keeps it
                    accepted.append(reply.json()["scan_id"])
            finally:
                await asyncio.to_thread(_rabbitmqctl, "start_app")
                await asyncio.to_thread(_rabbitmqctl, "await_startup")
            for image in images[8:]:
                reply = await _submit(http, headers, image)
                assert reply.status_code == 202, reply.text  # and after the restart, as before it
                accepted.append(reply.json()["scan_id"])

            async def all_finished():
                states = [(await _status(http, headers, s))["status"] for s in accepted]
                return states if all(s == "done" for s in states) else None

            await eventually(all_finished, 120, 0.5)
            history = (await http.get("/api/v1/users/me/scans?limit=100", headers=headers)).json()["items"]
            assert sorted(h["scan_id"] for h in history) == sorted(accepted)  # each completed exactly once
    finally:
        await mesh.stop()
