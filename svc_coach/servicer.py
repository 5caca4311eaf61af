"""CoachService: proto ⇄ domain. The KB is public, so no caller identity is required."""

from __future__ import annotations

import grpc

from mesh.errors import InvalidInput, NotFound
from protos.wastecoach.coach.v1 import coach_pb2 as pb
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from protos.wastecoach.common.v1 import common_pb2
from svc_coach import domain
from svc_coach.coaching import Flags, Guidance, compose, view_item
from svc_coach.hangul import index_grams
from svc_coach.kb import Category, Item, KnowledgeBase
from svc_coach.llm import LlmWriter
from svc_coach.repo import CoachRepo
from svc_coach.search import Hit, rank

# The SQL proposes this many candidates; the Python scorer orders them.
CANDIDATES = 40
# An item_name must match at least this well to count as that item (else category-level guidance).
NAME_MATCH = 0.6
ASK_SOURCES = 3


def _category(c: Category) -> common_pb2.Category:
    return common_pb2.Category(code=c.code, name_ko=c.name_ko, name_en=c.name_en)


def _guidance(g: Guidance) -> pb.Guidance:
    return pb.Guidance(
        category=_category(g.category),
        steps=list(g.steps),
        why=g.why,
        bin=g.bin,
        tip=g.tip,
        coaching=list(g.coaching),
        item_id=g.item_id,
        source=g.source,
        composed_by=g.composed_by,
    )


class CoachServicer(coach_pb2_grpc.CoachServiceServicer):
    def __init__(self, kb: KnowledgeBase, repo: CoachRepo, llm: LlmWriter | None = None) -> None:
        self.kb = kb
        self.repo = repo
        self.llm = llm

    def _item(self, item: Item, language: str, region: str, score: float = 0.0) -> pb.Item:
        v = view_item(self.kb, item, language, region)
        return pb.Item(
            id=item.id,
            name_ko=item.name_ko,
            name_en=item.name_en,
            category=_category(v.category),
            steps=list(v.steps),
            why=v.why,
            common_mistake=v.common_mistake,
            source=v.source,
            synonyms=list(item.synonyms),
            score=score,
        )

    async def search(self, query: str, limit: int) -> list[Hit]:
        candidates = await self.repo.candidates(index_grams(query), CANDIDATES)
        # A stale DB copy (older KB) may still hold an id this process no longer knows.
        return [h for h in rank(query, candidates, limit) if h.item_id in self.kb.items]

    async def ListCategories(self, request: pb.ListCategoriesRequest, context: grpc.aio.ServicerContext):
        domain.clean_language(request.language)
        return pb.ListCategoriesResponse(categories=[_category(c) for c in self.kb.categories.values()])

    async def GetGuidance(self, request: pb.GetGuidanceRequest, context: grpc.aio.ServicerContext):
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        code = request.category_code.strip()
        if code and code not in self.kb.categories:
            raise InvalidInput(f"unknown category_code '{code}'")
        item = None
        if request.item_id:
            item = self.kb.items.get(request.item_id)
            if item is None:
                raise NotFound(f"no item '{request.item_id}'")
        elif request.item_name.strip():
            hits = await self.search(domain.clean_query(request.item_name, "item_name"), 1)
            if hits and hits[0].score >= NAME_MATCH:
                item = self.kb.items[hits[0].item_id]
            elif not code:
                raise NotFound(f"no item matches '{request.item_name}'")
        elif not code:
            raise InvalidInput("give a category_code, an item_id or an item_name")
        f = request.flags
        flags = Flags(f.residue, f.label_attached, f.cap_on, f.mixed_materials, f.broken)
        guidance = compose(self.kb, code, item, flags, request.hint, language, region)
        if self.llm is not None:
            guidance = await self.llm.guidance(guidance, self.kb, language)
        return pb.GetGuidanceResponse(guidance=_guidance(guidance))

    async def SearchItems(self, request: pb.SearchItemsRequest, context: grpc.aio.ServicerContext):
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        hits = await self.search(domain.clean_query(request.query), domain.clean_limit(request.limit))
        return pb.SearchItemsResponse(
            items=[self._item(self.kb.items[h.item_id], language, region, h.score) for h in hits]
        )

    async def GetItem(self, request: pb.GetItemRequest, context: grpc.aio.ServicerContext):
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        item = self.kb.items.get(request.item_id)
        if item is None:
            raise NotFound(f"no item '{request.item_id}'")
        return pb.GetItemResponse(item=self._item(item, language, region, 1.0))

    async def Ask(self, request: pb.AskRequest, context: grpc.aio.ServicerContext):
        language = domain.clean_language(request.language)
        question = domain.clean_query(request.question, "question")
        if request.category_code and request.category_code not in self.kb.categories:
            raise InvalidInput(f"unknown category_code '{request.category_code}'")
        items: list[tuple[Item, float]] = []
        if request.item_id:
            if request.item_id not in self.kb.items:
                raise NotFound(f"no item '{request.item_id}'")
            items.append((self.kb.items[request.item_id], 1.0))
        for hit in await self.search(question, ASK_SOURCES):
            if all(i.id != hit.item_id for i, _ in items):
                items.append((self.kb.items[hit.item_id], hit.score))
        items = items[:ASK_SOURCES]
        sources = [compose(self.kb, i.category, i, Flags(), question, language) for i, _ in items]
        if not sources and request.category_code:
            sources = [compose(self.kb, request.category_code, None, Flags(), question, language)]
        answer, composed_by = None, "kb"
        if self.llm is not None and sources:
            answer = await self.llm.answer(question, sources, self.kb, language)
            composed_by = "llm" if answer else "kb"
        if answer is None:
            answer = _kb_answer(sources, language)
        return pb.AskResponse(
            answer=answer,
            sources=[self._item(i, language, "", score) for i, score in items],
            composed_by=composed_by,
        )


def _kb_answer(sources: list[Guidance], language: str) -> str:
    if not sources:
        if language == "en":
            return "I could not find this item in the guide. If unsure, ask your district office first."
        return (
            "안내서에서 이 품목을 찾지 못했어요. 확실하지 않으면 버리기 전에 구청·주민센터에 문의해 주세요."
        )
    best = sources[0]
    return " ".join((best.coaching[0], *best.steps))
