"""CoachService: proto ⇄ domain. The KB is public, so no caller identity is required."""

from __future__ import annotations

import grpc

from mesh.errors import InvalidInput, NotFound
from protos.wastecoach.coach.v1 import coach_pb2 as pb
from protos.wastecoach.coach.v1 import coach_pb2_grpc
from protos.wastecoach.common.v1 import common_pb2
from svc_coach import domain
from svc_coach.clarify import Clarification, Match, clarify
from svc_coach.coaching import Flags, Guidance, compose, view_item
from svc_coach.kb import Category, Item, KnowledgeBase
from svc_coach.llm import LlmWriter
from svc_coach.search import Found, SearchIndex

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


def _question(c: Clarification, kb: KnowledgeBase) -> common_pb2.Question:
    asked = c.question
    return common_pb2.Question(
        id=asked.id,
        text=asked.text,
        choices=[
            common_pb2.Choice(
                id=o.id, label=o.label, category=_category(kb.categories[o.category]), item_id=o.item_id
            )
            for o in asked.options
        ],
    )


class CoachServicer(coach_pb2_grpc.CoachServiceServicer):
    def __init__(self, kb: KnowledgeBase, index: SearchIndex, llm: LlmWriter | None = None) -> None:
        self.kb = kb
        self.index = index
        self.llm = llm

    def _item(self, item: Item, language: str, region: str, score: float = 0.0, query: str = "") -> pb.Item:
        v = view_item(self.kb, item, language, region, query)
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
            tip=item.tip.get(language),
            tip_kind=item.tip.kind,
            bin=v.bin,
        )

    def search(self, query: str, limit: int) -> Found:
        return self.index.search(query, limit)

    async def ListCategories(
        self, request: pb.ListCategoriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListCategoriesResponse:
        domain.clean_language(request.language)
        return pb.ListCategoriesResponse(categories=[_category(c) for c in self.kb.categories.values()])

    async def GetGuidance(
        self, request: pb.GetGuidanceRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetGuidanceResponse:
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
            found = self.search(domain.clean_query(request.item_name, "item_name"), 1)
            if not found.uncertain:
                item = self.kb.items[found.hits[0].item_id]
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

    def _match(self, text: str) -> Match | None:
        """The item a free text names, when the search is sure of it."""
        text = " ".join(text.split())[: domain.MAX_QUERY]
        found = self.search(text, 1) if text else None
        if found is None or found.uncertain:
            return None
        return Match(self.kb.items[found.hits[0].item_id], found.hits[0].score)

    def _choice(self, choice_id: str, guidance: Guidance) -> pb.ChoiceGuidance:
        item = self.kb.items.get(guidance.item_id) if guidance.item_id else None
        return pb.ChoiceGuidance(
            choice_id=choice_id,
            guidance=_guidance(guidance),
            item_name_ko=item.name_ko if item else "",
            item_name_en=item.name_en if item else "",
        )

    async def Clarify(
        self, request: pb.ClarifyRequest, context: grpc.aio.ServicerContext
    ) -> pb.ClarifyResponse:
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        probs = domain.clean_probs(dict(request.category_probs), self.kb.categories)
        hint = self._match(request.hint)
        if not probs and hint is None:
            raise InvalidInput("give category_probs or a hint that names an item")
        f = request.flags
        flags = Flags(f.residue, f.label_attached, f.cap_on, f.mixed_materials, f.broken)
        name = self._match(request.item_name)
        c = clarify(self.kb, probs, request.uncertain, hint, name, flags, request.hint, language, region)
        guidance = c.guidance
        if self.llm is not None and c.question is None:
            # An open question keeps the KB's safe text: the LLM never answers what the photo cannot tell.
            guidance = await self.llm.guidance(guidance, self.kb, language)
        response = pb.ClarifyResponse(
            guidance=_guidance(guidance),
            confidence=c.confidence,
            alternatives=[pb.CategoryScore(code=code, score=p) for code, p in c.alternatives],
            item_name_ko=c.item.name_ko if c.item else "",
            item_name_en=c.item.name_en if c.item else "",
        )
        if c.question is not None:
            response.question.CopyFrom(_question(c, self.kb))
            response.choices.extend(self._choice(o.id, o.guidance) for o in c.question.options)
        return response

    async def SearchItems(
        self, request: pb.SearchItemsRequest, context: grpc.aio.ServicerContext
    ) -> pb.SearchItemsResponse:
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        query = domain.clean_query(request.query)
        found = self.search(query, domain.clean_limit(request.limit))
        return pb.SearchItemsResponse(
            items=[
                self._item(self.kb.items[h.item_id], language, region, h.score, query) for h in found.hits
            ],
            uncertain=found.uncertain,
        )

    async def GetItem(
        self, request: pb.GetItemRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetItemResponse:
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        item = self.kb.items.get(request.item_id)
        if item is None:
            raise NotFound(f"no item '{request.item_id}'")
        return pb.GetItemResponse(item=self._item(item, language, region, 1.0))

    async def Ask(self, request: pb.AskRequest, context: grpc.aio.ServicerContext) -> pb.AskResponse:
        language = domain.clean_language(request.language)
        region = domain.clean_region(request.region_code)
        question = domain.clean_query(request.question, "question")
        if request.category_code and request.category_code not in self.kb.categories:
            raise InvalidInput(f"unknown category_code '{request.category_code}'")
        scanned: list[tuple[Item, float]] = []
        if request.item_id:
            if request.item_id not in self.kb.items:
                raise NotFound(f"no item '{request.item_id}'")
            scanned.append((self.kb.items[request.item_id], 1.0))
        found = self.search(question, ASK_SOURCES)
        # A question that names its item is about that item, whatever scan it was asked beside
        # ("건전지는요?" after a glass scan); the scan's item answers only "이거 어떻게 버려요?".
        items = [] if found.hits and not found.uncertain else scanned
        uncertain = found.uncertain and not items
        for hit in found.hits:
            if all(i.id != hit.item_id for i, _ in items):
                items.append((self.kb.items[hit.item_id], hit.score))
        items = items[:ASK_SOURCES]
        sources_out = [self._item(i, language, region, score, question) for i, score in items]
        if uncertain:
            # Not sure which item is meant: say so and offer the suggestions, never answer for one.
            answer = not_sure([i for i, _ in items], language)
            return pb.AskResponse(answer=answer, sources=sources_out, composed_by="kb", uncertain=True)
        sources = [compose(self.kb, i.category, i, Flags(), question, language, region) for i, _ in items]
        if not sources and request.category_code:
            sources = [compose(self.kb, request.category_code, None, Flags(), question, language, region)]
        answer, composed_by = None, "kb"
        if self.llm is not None and sources:
            answer = await self.llm.answer(question, sources, self.kb, language)
            composed_by = "llm" if answer else "kb"
        if answer is None:
            answer = _kb_answer(sources, language)
        return pb.AskResponse(answer=answer, sources=sources_out, composed_by=composed_by)


def not_sure(suggestions: list[Item], language: str) -> str:
    names = ", ".join(i.name(language) for i in suggestions)
    if language == "en":
        if not names:
            return "I am not sure which item you mean. Try the item's name, e.g. 'PET bottle' or 'paint'."
        return f"I am not sure which item you mean. Did you mean: {names}?"
    if not names:
        return "어떤 품목인지 확실하지 않아요. '페트병', '페인트'처럼 품목 이름으로 다시 물어봐 주세요."
    return f"어떤 품목인지 확실하지 않아요. 혹시 이 중에 있나요? {names}"


def _kb_answer(sources: list[Guidance], language: str) -> str:
    if not sources:
        if language == "en":
            return "I could not find this item in the guide. If unsure, ask your district office first."
        return (
            "안내서에서 이 품목을 찾지 못했어요. 확실하지 않으면 버리기 전에 구청·주민센터에 문의해 주세요."
        )
    best = sources[0]
    return " ".join(_sentence(part) for part in (best.coaching[0], *best.steps, *best.local))


def _sentence(text: str) -> str:
    """Steps are written as list lines without a full stop; run together, each needs one."""
    text = text.strip()
    return text if not text or text[-1] in ".!?。…)]" else f"{text}."
