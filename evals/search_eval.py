"""The search evaluation: natural queries with the categories that are right for them.

dev.yaml is the set search was tuned on; heldout.yaml was written blind (by someone who had read
neither the code nor the knowledge base) and is only ever scored, never tuned to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from svc_coach.coaching import view_item
from svc_coach.kb import KnowledgeBase
from svc_coach.search import SearchIndex

SETS = Path(__file__).parent / "search"
SAFETY = ("hazardous", "battery", "lamp", "medicine", "cooking_oil", "broken_glass")


@dataclass(frozen=True)
class Query:
    q: str
    accept: tuple[str, ...]
    style: str
    safety: str = ""


@dataclass(frozen=True)
class Outcome:
    query: Query
    # The category the first hit is shown under ("" when nothing was found).
    category: str
    item_id: str
    uncertain: bool

    @property
    def hit(self) -> bool:
        return not self.uncertain and self.category in self.query.accept

    @property
    def confidently_wrong(self) -> bool:
        return not self.uncertain and bool(self.category) and self.category not in self.query.accept


@dataclass
class Report:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def hit_rate(self) -> float:
        return sum(o.hit for o in self.outcomes) / len(self.outcomes)

    @property
    def not_sure(self) -> int:
        return sum(o.uncertain for o in self.outcomes)

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.confidently_wrong]

    @property
    def safety_wrong(self) -> list[Outcome]:
        return [o for o in self.wrong if o.query.safety]

    def by_style(self) -> dict[str, tuple[int, int]]:
        total, hits = Counter(), Counter()
        for o in self.outcomes:
            total[o.query.style] += 1
            hits[o.query.style] += o.hit
        return {style: (hits[style], n) for style, n in sorted(total.items())}


def load(name: str) -> list[Query]:
    raw = yaml.safe_load((SETS / f"{name}.yaml").read_text(encoding="utf-8"))["queries"]
    return [Query(r["q"], tuple(r["accept"]), r.get("style", "plain"), r.get("safety", "")) for r in raw]


def run(kb: KnowledgeBase, index: SearchIndex, name: str) -> Report:
    report = Report(name)
    for query in load(name):
        found = index.search(query.q, 1)
        if not found.hits:
            report.outcomes.append(Outcome(query, "", "", True))
            continue
        item = kb.items[found.hits[0].item_id]
        category = view_item(kb, item, "ko", hint=query.q).category.code
        report.outcomes.append(Outcome(query, category, item.id, found.uncertain))
    return report
