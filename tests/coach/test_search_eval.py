"""The search evaluation sets: the hit rate must not drop, and no safety query may be confidently wrong.

dev.yaml is what search was tuned on; heldout.yaml was written blind and is never tuned to. The floors
are the measured rates less a small margin (see docs/evaluation.md); raise them when search improves.
"""

from __future__ import annotations

import pytest

from evals.search_eval import SAFETY, load, run
from svc_coach.search import SearchIndex

FLOORS = {"dev": 0.97, "heldout": 0.9}
# The whole set (both halves) must keep at least this first-hit rate.
OVERALL = 0.95


@pytest.fixture(scope="module")
def index(kb) -> SearchIndex:
    return SearchIndex(kb)


def test_the_sets_are_large_diverse_and_well_formed(kb):
    dev, heldout = load("dev"), load("heldout")
    assert len(dev) + len(heldout) >= 300
    for queries in (dev, heldout):
        assert {q.safety for q in queries if q.safety} == set(SAFETY)
        assert all(set(q.accept) <= set(kb.categories) for q in queries)
        assert len({"".join(q.q.split()) for q in queries}) == len(queries)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_first_hit_rate_does_not_drop(kb, index, name):
    report = run(kb, index, name)
    missed = [(o.query.q, o.category or "not sure") for o in report.outcomes if not o.hit]
    assert report.hit_rate >= FLOORS[name], f"{name}: {report.hit_rate:.1%}; misses {missed[:15]}"


def test_the_whole_set_scores_at_least_95_percent(kb, index):
    outcomes = [o for name in FLOORS for o in run(kb, index, name).outcomes]
    assert sum(o.hit for o in outcomes) / len(outcomes) >= OVERALL


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_safety_query_is_confidently_wrong(kb, index, name):
    wrong = [(o.query.q, o.query.safety, o.category) for o in run(kb, index, name).safety_wrong]
    assert not wrong, wrong
