"""A crowd of app users on one machine (issue 19), as Eco² measured its scan test.

Each virtual user is one app with its own connection: it signs in, submits a photo, follows the scan
until done (polling `GET /api/v1/scans/{id}` every 0.5 s with its ETag, as the seed's app does, or
over the event stream with `--mode sse`), and submits the next one: a closed loop. Users start over
`--ramp` seconds and start scans for `--duration` seconds; a scan started by then has `--finish`
seconds to end, after which it counts as not done. Prints scans/min, success, end-to-end p50/p95/p99,
errors by kind, and the server's CPU per poll, measured apart after the crowd (one finished scan
polled many times, the idle CPU of the same span subtracted).

    python -m bench.crowd --users 100 --duration 60                    # embedded default (`up`)
    python -m bench.crowd --users 100 --duration 60 --stack real       # separate processes
    python -m bench.crowd --users 100 --duration 60 --url http://host  # a running edge

--stack real runs every service, the edge and a q.ai consumer as processes of their own on the
local PostgreSQL, Redis and RabbitMQ (a fresh database and vhost, dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.common import machine, pct

REPO = Path(__file__).resolve().parents[1]
PHOTO_DIR = REPO.parent / "shared" / "datasets" / "trashnet"
POLL_S = 0.5  # the seed app's polling interval
FINISHED = ("done", "failed")
RETRY_S = 1.0  # a user whose request failed tries again after this


@dataclass
class Tally:
    started: int = 0
    done: int = 0
    failed: int = 0
    polls: int = 0
    e2e_s: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    # 429/503 with Retry-After: the server's honest "not now", honoured by waiting; not an error.
    backoffs: Counter[str] = field(default_factory=Counter)
    first_done: float = 0.0
    last_done: float = 0.0
    elapsed_s: float = 0.0


def photos(n: int = 40) -> list[bytes]:
    found = sorted(PHOTO_DIR.rglob("*.jpg"))
    found = found[:: max(1, len(found) // n)][:n]
    if found:
        return [p.read_bytes() for p in found]
    import io

    from PIL import Image

    out = []
    for i in range(4):  # no dataset here: plain photos of one colour each
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), (60 * i, 120, 200 - 40 * i)).save(buffer, "JPEG")
        out.append(buffer.getvalue())
    return out


def _error_kind(route: str, exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"{route} cannot connect"
    if isinstance(exc, aiohttp.ServerDisconnectedError | ConnectionResetError | aiohttp.ClientOSError):
        return f"{route} connection reset"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return f"{route} timeout"
    return f"{route} {type(exc).__name__}"


class VirtualUser:
    def __init__(self, url: str, name: str, mode: str, tally: Tally, images: list[bytes]) -> None:
        self.url, self.name, self.mode, self.tally, self.images = url, name, mode, tally, images
        self.headers: dict[str, str] = {}
        self.last_scan: str = ""

    async def run(self, session: aiohttp.ClientSession, stop_at: float, give_up_at: float) -> None:
        while time.monotonic() < stop_at and not self.headers:
            await self._sign_in(session)
        while time.monotonic() < stop_at:
            scan_id = await self._submit(session)
            if scan_id is None:
                await asyncio.sleep(RETRY_S)
                continue
            start = time.monotonic()
            self.tally.started += 1
            follow = self._stream if self.mode == "sse" else self._poll
            status = await follow(session, scan_id, give_up_at)
            now = time.monotonic()
            if status == "done":
                self.tally.done += 1
                self.tally.e2e_s.append(now - start)
                self.tally.first_done = self.tally.first_done or now
                self.tally.last_done = now
                self.last_scan = scan_id
            elif status == "failed":
                self.tally.failed += 1
                self.tally.errors["scan failed"] += 1
            else:
                self.tally.errors[f"scan not done within --finish ({status})"] += 1
                return

    async def _sign_in(self, session: aiohttp.ClientSession) -> None:
        try:
            async with session.post(f"{self.url}/api/v1/auth/dev/login", json={"nickname": self.name}) as r:
                if r.status == 200:
                    self.headers = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
                    return
                self._refused("sign-in", r)
                await asyncio.sleep(_retry_after(r))
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.tally.errors[_error_kind("sign-in", exc)] += 1
            await asyncio.sleep(RETRY_S)

    def _refused(self, route: str, reply: aiohttp.ClientResponse) -> None:
        honest = reply.status in (429, 503) and "Retry-After" in reply.headers
        (self.tally.backoffs if honest else self.tally.errors)[f"{route} {reply.status}"] += 1

    async def _submit(self, session: aiohttp.ClientSession) -> str | None:
        form = aiohttp.FormData()
        form.add_field("image", random.choice(self.images), filename="photo.jpg", content_type="image/jpeg")
        form.add_field("lat", "37.5563")
        form.add_field("lon", "126.9220")
        try:
            async with session.post(f"{self.url}/api/v1/scans", data=form, headers=self.headers) as r:
                if r.status == 202:
                    return (await r.json())["scan_id"]
                self._refused("submit", r)
                await asyncio.sleep(_retry_after(r))
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.tally.errors[_error_kind("submit", exc)] += 1
        return None

    async def _poll(self, session: aiohttp.ClientSession, scan_id: str, give_up_at: float) -> str:
        etag, status = "", "queued"
        while time.monotonic() < give_up_at:
            await asyncio.sleep(POLL_S)
            headers = {**self.headers, "If-None-Match": etag} if etag else self.headers
            try:
                async with session.get(f"{self.url}/api/v1/scans/{scan_id}", headers=headers) as r:
                    self.tally.polls += 1
                    if r.status == 200:
                        etag, status = r.headers.get("ETag", ""), (await r.json())["status"]
                    elif r.status != 304:
                        self.tally.errors[f"poll {r.status}"] += 1
                    await r.read()
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                self.tally.errors[_error_kind("poll", exc)] += 1
            if status in FINISHED:
                return status
        return status

    async def _stream(self, session: aiohttp.ClientSession, scan_id: str, give_up_at: float) -> str:
        status, last = "queued", ""
        while time.monotonic() < give_up_at:
            headers = {**self.headers, "Last-Event-ID": last} if last else self.headers
            try:
                timeout = aiohttp.ClientTimeout(total=max(1.0, give_up_at - time.monotonic()))
                url = f"{self.url}/api/v1/scans/{scan_id}/events"
                async with session.get(url, headers=headers, timeout=timeout) as r:
                    if r.status != 200:
                        self.tally.errors[f"events {r.status}"] += 1
                        await asyncio.sleep(RETRY_S)
                        continue
                    async for raw in r.content:
                        line = raw.decode().rstrip("\r\n")
                        if line.startswith("id: "):
                            last = line[4:]
                        elif line.startswith("data: "):
                            status = json.loads(line[6:])["status"]
                            if status in FINISHED:
                                return status
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                self.tally.errors[_error_kind("events", exc)] += 1
                await asyncio.sleep(RETRY_S)
        return status


def _retry_after(reply: aiohttp.ClientResponse) -> float:
    value = reply.headers.get("Retry-After", "")
    return min(float(value), 10.0) if value.isdigit() else RETRY_S


def _session() -> aiohttp.ClientSession:
    # One connection per app (limit 1): a phone reuses its own keep-alive connection.
    connector = aiohttp.TCPConnector(limit=1, keepalive_timeout=60, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))


async def crowd(url: str, users: int, duration_s: float, ramp_s: float, finish_s: float, mode: str) -> Tally:
    tally, images = Tally(), photos()
    run = uuid.uuid4().hex[:6]
    begin = time.monotonic()
    stop_at, give_up_at = begin + duration_s, begin + duration_s + finish_s

    async def one(i: int) -> VirtualUser:
        await asyncio.sleep(ramp_s * i / max(1, users))
        user = VirtualUser(url, f"crowd-{run}-{i}", mode, tally, images)
        async with _session() as session:
            await user.run(session, stop_at, give_up_at)
        return user

    await asyncio.gather(*(one(i) for i in range(users)))
    tally.elapsed_s = time.monotonic() - begin
    return tally


# ---- the server's CPU ----


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pids_of(needle: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as f:
            if needle in f.read().replace(b"\0", b" ").decode(errors="replace"):
                found.append(int(pid))
    return found


def server_cpu(groups: dict[str, list[int]]) -> dict[str, float]:
    spent = {}
    for name, pids in groups.items():
        total = 0.0
        for pid in pids:
            with contextlib.suppress(OSError):
                total += _cpu_s(pid)
        spent[name] = total
    return spent


async def cpu_per_poll(
    url: str, groups: Callable[[], dict[str, list[int]]], polls: int, conditional: bool
) -> dict[str, float]:
    """Server CPU seconds per poll of one finished scan, per process group, idle CPU subtracted."""
    async with _session() as session:
        async with session.post(f"{url}/api/v1/auth/dev/login", json={"nickname": "crowd-probe"}) as r:
            headers = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
        form = aiohttp.FormData()
        form.add_field("image", photos(1)[0], filename="p.jpg", content_type="image/jpeg")
        async with session.post(f"{url}/api/v1/scans", data=form, headers=headers) as r:
            scan_url = f"{url}/api/v1/scans/{(await r.json())['scan_id']}"
        etag = ""
        for _ in range(600):
            async with session.get(scan_url, headers=headers) as r:
                etag, status = r.headers["ETag"], (await r.json())["status"]
            if status in FINISHED:
                break
            await asyncio.sleep(0.1)
    if conditional:
        headers = {**headers, "If-None-Match": etag}
    pids = groups()
    idle_before = server_cpu(pids)
    await asyncio.sleep(2.0)
    idle_rate = {k: (v - idle_before[k]) / 2.0 for k, v in server_cpu(pids).items()}

    async def poller(n: int) -> None:
        async with _session() as session:
            for _ in range(n):
                async with session.get(scan_url, headers=headers) as r:
                    assert r.status == (304 if conditional else 200), r.status
                    await r.read()

    connections = 20
    before, start = server_cpu(pids), time.monotonic()
    await asyncio.gather(*(poller(polls // connections) for _ in range(connections)))
    wall = time.monotonic() - start
    after = server_cpu(pids)
    n = polls // connections * connections
    return {k: max(0.0, after[k] - before[k] - idle_rate[k] * wall) / n for k in after}


# ---- the server under test ----


@contextlib.asynccontextmanager
async def embedded(data: Path) -> AsyncIterator[tuple[str, Callable[[], dict[str, list[int]]]]]:
    env = {
        **os.environ,
        "WASTECOACH_DATA_DIR": str(data),
        "WASTECOACH_LOG_LEVEL": "WARNING",
        "WASTECOACH_SCAN_RATE_PER_MINUTE": "100000",
    }
    up = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wastecoach",
        "up",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd=REPO,
    )
    try:
        line = (await up.stdout.readline()).decode()
        if "up: " not in line:
            raise SystemExit(f"wastecoach up did not start: {line!r}")
        yield line.split("up: ", 1)[1].split()[0], lambda: {"wastecoach up": [up.pid]}
    finally:
        up.send_signal(signal.SIGTERM)
        await asyncio.wait_for(up.wait(), 60)


@contextlib.asynccontextmanager
async def real_stack(data: Path) -> AsyncIterator[tuple[str, Callable[[], dict[str, list[int]]]]]:
    """Every service, the edge and a q.ai consumer, each its own process, on PostgreSQL, Redis and
    RabbitMQ: a fresh database and vhost."""
    from bench.chart import chart_like
    from bench.scan import drop, real_stack_settings

    settings, db, vhost = await real_stack_settings(data)
    try:
        async with chart_like(settings, consumers=1) as stack:

            def groups() -> dict[str, list[int]]:
                return {
                    **{name: [p.pid] for name, p in stack.processes.items()},
                    "redis": _pids_of("redis-server"),
                    "postgres": _pids_of("postgres"),
                }

            yield stack.url, groups
    finally:
        await drop(db, vhost)


@contextlib.asynccontextmanager
async def running(url: str) -> AsyncIterator[tuple[str, Callable[[], dict[str, list[int]]]]]:
    yield url.rstrip("/"), dict  # someone else's server: its CPU is not ours to read


# ---- the report ----


def report(args: argparse.Namespace, tally: Tally, per_poll: dict[str, dict[str, float]]) -> str:
    elapsed = tally.elapsed_s
    ended = tally.done + tally.failed
    lines = [
        f"# crowd: {args.users} users, {args.mode} ({'0.5 s polls' if args.mode == 'poll' else 'SSE'}), "
        f"{args.stack}, {args.duration:.0f} s of new scans (+{args.finish:.0f} s to finish) — {machine()}",
        f"scans done        {tally.done}  ({tally.done / (elapsed / 60):.0f} scans/min over {elapsed:.0f} s)"
        if elapsed
        else f"scans done        {tally.done}",
        f"success           {100 * tally.done / tally.started if tally.started else 0:.1f} % of "
        f"{tally.started} started ({ended} ended)",
        "E2E               " + "   ".join(f"p{q} {pct(tally.e2e_s, q):.1f} s" for q in (50, 95, 99)),
        f"polls             {tally.polls}",
        f"errors            {sum(tally.errors.values())}"
        + "".join(f"\n  {n:>6}  {kind}" for kind, n in tally.errors.most_common()),
        f"backed off        {sum(tally.backoffs.values())} (429/503 with Retry-After, waited and retried)"
        + "".join(f"\n  {n:>6}  {kind}" for kind, n in tally.backoffs.most_common()),
    ]
    for label, groups in per_poll.items():
        total = sum(groups.values()) * 1000
        parts = ", ".join(f"{k} {v * 1000:.3f}" for k, v in groups.items() if v * 1000 >= 0.0005)
        lines.append(f"server CPU/poll   {label}: {total:.3f} ms  ({parts or 'not measured'})")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.crowd", description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--duration", type=float, default=60.0, help="seconds during which scans start")
    p.add_argument("--ramp", type=float, default=None, help="seconds over which users arrive")
    p.add_argument("--finish", type=float, default=180.0, help="seconds a started scan has to end")
    p.add_argument("--mode", choices=("poll", "sse"), default="poll")
    p.add_argument("--stack", choices=("embedded", "real"), default="embedded")
    p.add_argument("--url", default="", help="a running edge instead of starting one")
    p.add_argument("--probe-polls", type=int, default=4000, help="polls of the CPU-per-poll probe")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    return p


async def main_async(args: argparse.Namespace) -> dict:
    if args.ramp is None:
        args.ramp = min(20.0, args.duration / 4)
    data = Path(tempfile.mkdtemp(prefix="crowd-"))
    server = running(args.url) if args.url else (real_stack if args.stack == "real" else embedded)(data)
    async with server as (url, groups):
        tally = await crowd(url, args.users, args.duration, args.ramp, args.finish, args.mode)
        per_poll = {}
        if args.probe_polls and groups():
            per_poll["304 (If-None-Match)"] = await cpu_per_poll(url, groups, args.probe_polls, True)
            per_poll["200 (body)"] = await cpu_per_poll(url, groups, args.probe_polls // 2, False)
    print(report(args, tally, per_poll), flush=True)
    figures = {
        "users": args.users,
        "mode": args.mode,
        "stack": args.stack,
        "started": tally.started,
        "done": tally.done,
        "failed": tally.failed,
        "elapsed_s": tally.elapsed_s,
        "scans_per_min": tally.done / (tally.elapsed_s / 60 or 1),
        "e2e_p50_s": pct(tally.e2e_s, 50),
        "e2e_p95_s": pct(tally.e2e_s, 95),
        "e2e_p99_s": pct(tally.e2e_s, 99),
        "polls": tally.polls,
        "errors": dict(tally.errors),
        "backoffs": dict(tally.backoffs),
        "cpu_per_poll_ms": {k: sum(v.values()) * 1000 for k, v in per_poll.items()},
    }
    if args.json:
        print(json.dumps(figures), flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    figures = asyncio.run(main_async(args))
    return 0 if figures["started"] and not figures["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
