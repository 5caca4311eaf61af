"""bench/crowd.py works (issue 19): a few virtual users in each mode against a whole system, and the
CPU-per-poll probe. Functional only: the figures themselves are for docs/benchmarks.md, not asserted."""

import argparse
import os

import pytest

from bench import crowd


@pytest.mark.parametrize("mode", ["poll", "sse"])
async def test_a_small_crowd_finishes_every_scan_it_starts(mesh, mode):
    tally = await crowd.crowd(mesh.url, users=3, duration_s=3, ramp_s=0.5, finish_s=60, mode=mode)
    assert tally.started >= 3 and tally.done == tally.started, tally
    assert not tally.errors and len(tally.e2e_s) == tally.done
    assert (tally.polls > 0) == (mode == "poll")

    args = argparse.Namespace(users=3, mode=mode, stack="embedded", duration=3, finish=60)
    printed = crowd.report(args, tally, {"304": {"this process": 0.0002}})
    assert f"success           100.0 % of {tally.started} started" in printed
    assert "errors            0" in printed and "server CPU/poll   304: 0.200 ms" in printed


async def test_the_probe_measures_cpu_per_poll_of_the_server(mesh):
    # The server here is this process (the whole system runs in it).
    spent = await crowd.cpu_per_poll(mesh.url, lambda: {"up": [os.getpid()]}, polls=100, conditional=True)
    assert 0 < spent["up"] < 0.1  # seconds per poll: some CPU, far less than 100 ms


async def test_errors_are_counted_by_kind(mesh):
    # A server that is not there: every sign-in fails, by kind, and no scan starts.
    tally = await crowd.crowd(
        "http://127.0.0.1:9", users=2, duration_s=1.5, ramp_s=0, finish_s=1, mode="poll"
    )
    assert tally.started == 0
    assert set(tally.errors) == {"sign-in cannot connect"} and sum(tally.errors.values()) >= 2
