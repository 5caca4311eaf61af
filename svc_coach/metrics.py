"""Prometheus metrics of svc_coach (the process's default registry, like mesh.metrics)."""

from __future__ import annotations

from prometheus_client import Counter

LLM_REJECTIONS = Counter(
    "wastecoach_llm_rejections_total",
    "LLM answers rejected because they contradicted the knowledge base",
    ["reason"],
)
LLM_FALLBACKS = Counter(
    "wastecoach_llm_fallbacks_total",
    "LLM calls that failed (timeout, rate limit, error); KB text used",
    ["reason"],
)
