"""Item search latency through gRPC (SearchItems) on SQLite and PostgreSQL.

Baseline in the same run: ranking every knowledge-base item in Python without the n-gram index.
Scores are computed cold for every query (the per-query score cache is cleared); the transforms of
the knowledge base's own terms stay warm, as they do in a running service.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import grpc

import svc_coach.component
from bench.common import line, machine, summary
from mesh.settings import MeshSettings
from protos.wastecoach.coach.v1 import coach_pb2, coach_pb2_grpc
from svc_coach.kb import load
from svc_coach.search import Candidate, rank, term_score

QUERIES = [
    "피자박스",
    "영수증",
    "컵라면 용기",
    "부탄가스",
    "멸균팩",
    "깨진 유리",
    "pizza box",
    "피지박스",
    "건전지",
    "우유팩",
]
ROUNDS = 30
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def grpc_latencies(settings: MeshSettings) -> list[float]:
    component = svc_coach.component.build(settings)
    await component.migrate()
    server = await component.start("127.0.0.1", 0)
    samples = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = coach_pb2_grpc.CoachServiceStub(channel)
        for round_no in range(ROUNDS + 2):
            for query in QUERIES:
                term_score.cache_clear()  # measure scoring cold: a repeated query would hit the cache
                start = time.perf_counter()
                await stub.SearchItems(coach_pb2.SearchItemsRequest(query=query, limit=5))
                if round_no >= 2:
                    samples.append(time.perf_counter() - start)
    await component.stop(0)
    return samples


def brute_force() -> list[float]:
    kb = load()
    everything = [
        Candidate(n, item_id, kb.items[item_id].terms()) for n, item_id in enumerate(sorted(kb.items))
    ]
    samples = []
    for _ in range(ROUNDS):
        for query in QUERIES:
            term_score.cache_clear()
            start = time.perf_counter()
            rank(query, everything, 5)
            samples.append(time.perf_counter() - start)
    return samples


async def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    base = summary(brute_force())
    sqlite = summary(await grpc_latencies(MeshSettings(data_dir=tmp, log_json=False)))
    db = f"wc_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{db}"')
    try:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{db}"
        postgres = summary(await grpc_latencies(MeshSettings(data_dir=tmp, database_url=url, log_json=False)))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await admin.close()
    print(f"# item search ({len(QUERIES)} queries x {ROUNDS}) — {machine()}")
    print(line("brute-force ranking, no index (baseline)", base))
    print(line("SearchItems over gRPC, SQLite", sqlite))
    print(line("SearchItems over gRPC, PostgreSQL", postgres))
    print(
        f"ratio p50 to baseline: SQLite {sqlite['p50_ms'] / base['p50_ms']:.2f}x, "
        f"PostgreSQL {postgres['p50_ms'] / base['p50_ms']:.2f}x"
    )


if __name__ == "__main__":
    asyncio.run(main())
