"""Item search: correctness on the evaluation sets, and latency in the domain layer and over gRPC.

Correctness: the share of queries whose first hit is shown under an accepted category (a "not sure"
answer is no hit, but it is not wrong either), on the dev set search was tuned on and on the held-out
set written blind. Latency: every evaluation query through SearchIndex.search over the whole base,
with the query-side caches cleared before each query; the baseline in the same run scores every
term of the base without the candidate index.
"""

from __future__ import annotations

import asyncio
import secrets
import time

import svc_coach.component
from bench.common import line, machine, summary
from evals.search_eval import Report, load, run
from mesh.grpc_channel import make_channel
from mesh.identity import IdentityKey
from mesh.settings import read_env
from protos.wastecoach.coach.v1 import coach_pb2, coach_pb2_grpc
from svc_coach import hangul
from svc_coach.kb import load as load_kb
from svc_coach.query import parse
from svc_coach.search import SearchIndex, term_score
from svc_coach.settings import CoachSettings

ROUNDS = 5
TARGET_P50_MS = 1.0
TARGET_HIT_RATE = 0.95


def _cold() -> None:
    hangul.jamo.cache_clear()
    hangul._counts.cache_clear()


def domain_latencies(index: SearchIndex, queries: list[str]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        for query in queries:
            _cold()
            start = time.perf_counter()
            index.search(query, 5)
            samples.append(time.perf_counter() - start)
    return samples


def brute_force(index: SearchIndex, queries: list[str]) -> list[float]:
    samples = []
    for query in queries:
        _cold()
        start = time.perf_counter()
        p = parse(query, index.vocabulary)
        qj = hangul.jamo(p.text)
        max((term_score(p, qj, t) for t in index.terms), default=0.0)
        samples.append(time.perf_counter() - start)
    return samples


async def grpc_latencies(queries: list[str]) -> list[float]:
    component = svc_coach.component.build(read_env(CoachSettings))
    identity = IdentityKey(secrets.token_bytes(32))
    server = await component.start("127.0.0.1", 0, identity)
    samples = []
    async with make_channel(f"127.0.0.1:{server.port}", identity=identity) as channel:
        stub = coach_pb2_grpc.CoachServiceStub(channel)
        for query in queries:
            start = time.perf_counter()
            await stub.SearchItems(coach_pb2.SearchItemsRequest(query=query, limit=5))
            samples.append(time.perf_counter() - start)
    await component.stop(0)
    return samples


def correctness(report: Report) -> str:
    n = len(report.outcomes)
    safety = sum(1 for o in report.outcomes if o.query.safety)
    wrong, safety_wrong = len(report.wrong), len(report.safety_wrong)
    return (
        f"{report.name:<8} n={n:<4} first-hit category {report.hit_rate:6.1%}   "
        f"not sure {report.not_sure:3}   confidently wrong {wrong:3}   "
        f"of them safety {safety_wrong} (of {safety})"
    )


async def main() -> None:
    kb = load_kb()
    index = SearchIndex(kb)
    queries = [q.q for name in ("dev", "heldout") for q in load(name)]
    print(f"# item search over {len(kb.items)} items, {len(index.terms)} terms — {machine()}")
    reports = [run(kb, index, name) for name in ("dev", "heldout")]
    for report in reports:
        print(correctness(report))
    everything = Report("all", [o for r in reports for o in r.outcomes])
    print(correctness(everything))
    for report in reports:
        styles = ", ".join(f"{s} {h}/{n}" for s, (h, n) in report.by_style().items())
        print(f"  {report.name} by style: {styles}")
    base = summary(brute_force(index, queries))
    domain = summary(domain_latencies(index, queries))
    over_grpc = summary(await grpc_latencies(queries))
    print(line("score every term, no index (baseline)", base))
    print(line("SearchIndex.search (domain layer)", domain))
    print(line("SearchItems over gRPC, one process", over_grpc))
    print(f"ratio p50 to baseline: domain {domain['p50_ms'] / base['p50_ms']:.3f}x")
    met = "met" if domain["p50_ms"] <= TARGET_P50_MS else "MISSED"
    print(f"target domain p50 <= {TARGET_P50_MS} ms: {met}")
    hit = "met" if everything.hit_rate >= TARGET_HIT_RATE and not everything.safety_wrong else "MISSED"
    print(f"target first-hit >= {TARGET_HIT_RATE:.0%} and 0 safety wrong (all queries): {hit}")


if __name__ == "__main__":
    asyncio.run(main())
