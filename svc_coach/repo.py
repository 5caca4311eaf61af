"""SQL for svc_coach: seeding the KB copy and selecting search candidates (the same SQL on both dialects)."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from svc_coach.hangul import index_grams
from svc_coach.kb import KnowledgeBase
from svc_coach.models import GramRow, ItemRow, MetaRow
from svc_coach.search import Candidate

DIGEST_KEY = "kb_digest"


def _rows(kb: KnowledgeBase) -> tuple[list[dict], list[dict]]:
    items: list[dict] = []
    grams: list[dict] = []
    for item_no, item_id in enumerate(sorted(kb.items), 1):
        item = kb.items[item_id]
        terms = item.terms()
        items.append(
            {
                "item_no": item_no,
                "item_id": item_id,
                "category_code": item.category,
                "terms": json.dumps(terms),
            }
        )
        item_grams = set().union(*(index_grams(t) for t in terms))
        grams += [{"gram": g, "item_no": item_no} for g in sorted(item_grams)]
    return items, grams


class CoachRepo:
    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions

    async def seeded_digest(self) -> str | None:
        async with self.sessions() as session:
            row = await session.get(MetaRow, DIGEST_KEY)
            return row.value if row else None

    async def seed(self, kb: KnowledgeBase) -> bool:
        """Replaces the KB copy when the files changed; True when it wrote. Safe to run repeatedly."""
        if await self.seeded_digest() == kb.digest:
            return False
        items, grams = _rows(kb)
        try:
            async with self.sessions.begin() as session:
                await session.execute(delete(GramRow))
                await session.execute(delete(ItemRow))
                await session.execute(delete(MetaRow).where(MetaRow.key == DIGEST_KEY))
                await session.execute(insert(ItemRow), items)
                await session.execute(insert(GramRow), grams)
                await session.execute(insert(MetaRow), [{"key": DIGEST_KEY, "value": kb.digest}])
        except IntegrityError:
            # Another replica seeded the same files at the same moment; its copy is as good as ours.
            if await self.seeded_digest() != kb.digest:
                raise
            return False
        return True

    async def candidates(self, grams: set[str], limit: int) -> list[Candidate]:
        """Items sharing the most query grams; ties by item_no so both dialects cut at the same row."""
        if not grams:
            return []
        hits = func.count(GramRow.gram).label("hits")
        top = (
            select(GramRow.item_no, hits)
            .where(GramRow.gram.in_(sorted(grams)))
            .group_by(GramRow.item_no)
            .order_by(hits.desc(), GramRow.item_no)
            .limit(limit)
            .subquery()
        )
        query = select(ItemRow.item_no, ItemRow.item_id, ItemRow.terms).join(
            top, top.c.item_no == ItemRow.item_no
        )
        async with self.sessions() as session:
            rows = (await session.execute(query)).all()
        return [Candidate(no, item_id, tuple(json.loads(terms))) for no, item_id, terms in rows]
