"""Coaching text written by an LLM (OpenAI Chat Completions), grounded in and checked against the KB.

Every failure path returns the KB's own text: a timeout or 429 after the client's bounded retries,
an error, an empty answer, or an answer the grounding check rejects.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace

import openai

from mesh.metrics import LLM_SECONDS
from svc_coach import grounding
from svc_coach.coaching import Guidance
from svc_coach.kb import KnowledgeBase
from svc_coach.metrics import LLM_FALLBACKS, LLM_REJECTIONS
from svc_coach.settings import CoachSettings

log = logging.getLogger(__name__)

SYSTEM = {
    "ko": (
        "당신은 한국의 분리배출 규칙을 알려 주는 친절한 코치입니다. "
        "아래 지식베이스 항목에 있는 사실만 사용하세요. "
        "배출 장소(bin)는 주어진 표현 그대로 말하고, 다른 분류나 수거함을 권하지 마세요. "
        "반드시 지켜야 할 단계(must)는 빠짐없이 언급하세요. 2~4문장, 한국어로만 답하세요."
    ),
    "en": (
        "You are a friendly coach for Korea's separate-collection rules. "
        "Use only the facts in the knowledge-base entry below. "
        "Name the bin exactly as given and never suggest another category or bin. "
        "Mention every must-do step. Answer in 2-4 sentences, in English."
    ),
}


def _entry(g: Guidance, language: str) -> dict:
    return {
        "category": g.category.code,
        "category_name": g.category.name(language),
        "bin": g.bin,
        "steps": list(g.steps),
        "why": g.why,
        "tip": g.tip,
        "notes": list(g.coaching[1:]),
        "must": list(g.must),
    }


class LlmWriter:
    def __init__(self, client: openai.AsyncOpenAI, model: str, budget_s: float = 6.0) -> None:
        self.client = client
        self.model = model
        self.budget_s = budget_s

    @classmethod
    def from_settings(cls, settings: CoachSettings) -> LlmWriter | None:
        if not settings.llm_enabled:
            return None
        client = openai.AsyncOpenAI(
            api_key=settings.coach_openai_api_key,
            base_url=settings.coach_openai_base_url,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
        return cls(client, settings.coach_openai_model, settings.llm_budget_s)

    async def close(self) -> None:
        await self.client.close()

    async def _complete(self, system: str, user: str) -> str | None:
        try:
            with LLM_SECONDS.time():
                async with asyncio.timeout(self.budget_s):
                    response = await self.client.chat.completions.create(
                        model=self.model,
                        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                        temperature=0.2,
                        max_tokens=400,
                    )
        except (openai.APITimeoutError, TimeoutError):
            reason = "timeout"
        except openai.RateLimitError:
            reason = "rate_limited"
        except openai.APIError as exc:
            log.warning("llm call failed", extra={"error": str(exc)})
            reason = "error"
        else:
            content = response.choices[0].message.content if response.choices else None
            if content and content.strip():
                return content.strip()
            reason = "empty"
        LLM_FALLBACKS.labels(reason).inc()
        return None

    def _accept(self, text: str | None, kb: KnowledgeBase, g: Guidance, extra: set[str]) -> bool:
        if text is None:
            return False
        reasons = grounding.check(text, kb, g, extra)
        if reasons:
            # One rejection per answer, labelled with the first reason found.
            LLM_REJECTIONS.labels(reasons[0]).inc()
            log.info("llm answer rejected", extra={"reasons": reasons, "item_id": g.item_id})
            return False
        return True

    async def guidance(self, g: Guidance, kb: KnowledgeBase, language: str) -> Guidance:
        """The guidance with an LLM-written first coaching line, or unchanged (composed_by 'kb')."""
        user = "KB entry:\n" + json.dumps(_entry(g, language), ensure_ascii=False, indent=1)
        text = await self._complete(SYSTEM[language], user)
        if not self._accept(text, kb, g, set()):
            return g
        return replace(g, coaching=(text, *g.coaching[1:]), composed_by="llm")

    async def answer(
        self, question: str, sources: list[Guidance], kb: KnowledgeBase, language: str
    ) -> str | None:
        """An answer grounded in the retrieved items, checked against the best one; None to use the KB's."""
        if not sources:
            return None
        entries = json.dumps([_entry(g, language) for g in sources], ensure_ascii=False, indent=1)
        user = f"KB entries (best first):\n{entries}\n\nQuestion: {question}"
        text = await self._complete(SYSTEM[language], user)
        extra = {g.category.code for g in sources[1:]}
        return text if self._accept(text, kb, sources[0], extra) else None
