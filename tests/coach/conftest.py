"""Fixtures for svc_coach: the real knowledge base."""

from __future__ import annotations

import pytest

from svc_coach import kb as knowledge


@pytest.fixture(scope="session")
def kb() -> knowledge.KnowledgeBase:
    return knowledge.load()
