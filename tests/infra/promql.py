"""Just enough PromQL reading to check a dashboard query against the series that exist.

`problems(expr, series, legend)` names every metric the query selects that has no series, every label it
matches, groups by or prints (legend `{{label}}`) that none of its metrics carries, and every exact
label value (`label="v"`) that no series of that metric has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# series: metric name -> label name -> the values seen
Series = Mapping[str, Mapping[str, set[str]]]

AGGREGATORS = {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile"}
AGGREGATORS |= {"count_values", "group"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
KEYWORDS |= {"and", "or", "unless"}
TOKEN = re.compile(
    r'(?P<string>"(?:\\.|[^"\\])*")|(?P<range>\[[^\]]*\])|(?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?)'
    r"|(?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)|(?P<op>=~|!~|!=|==|>=|<=|[-+*/%^=<>(),{}])|(?P<space>\s+)"
)


def _tokens(expr: str) -> list[tuple[str, str]]:
    expr = re.sub(r"\$\{?__\w+\}?", "5m", expr)  # Grafana's interval variables
    out, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:]!r}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def problems(expr: str, series: Series, legend: str = "") -> list[str]:
    toks = _tokens(expr)
    found: list[str] = []
    metrics: list[str] = []
    grouped: set[str] = set()  # labels the result keeps (by-clauses)
    aggregated = False
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if kind == "ident" and text in ("by", "without", "on", "ignoring") and nxt == "(":
            j = i + 2
            while toks[j][1] != ")":
                if toks[j][0] == "ident":
                    (grouped if text == "by" else set()).add(toks[j][1])
                    if text in ("by", "on", "ignoring"):
                        metrics.append(f"label:{toks[j][1]}")
                j += 1
            i = j + 1
            continue
        if kind == "ident" and (text in AGGREGATORS or text in KEYWORDS or nxt == "("):
            aggregated = aggregated or text in AGGREGATORS
            i += 1
            continue
        if kind == "ident":
            metrics.append(text)
            if text not in series:
                found.append(f"no series named {text}")
            if nxt == "{":
                j = i + 2
                while toks[j][1] != "}":
                    if toks[j][0] == "ident":
                        label, op, value = toks[j][1], toks[j + 1][1], toks[j + 2][1][1:-1]
                        labels = series.get(text, {})
                        if text in series and label not in labels:
                            found.append(f"{text} has no label {label}")
                        elif op == "=" and "$" not in value and text in series:
                            if labels[label] and value not in labels[label]:
                                found.append(f"{text} has no series with {label}={value!r}")
                        j += 3
                    else:
                        j += 1
                i = j
        i += 1
    names = [m for m in metrics if not m.startswith("label:")]
    carried = set().union(*(series.get(m, {}).keys() for m in names)) if names else set()
    for wanted in (m.removeprefix("label:") for m in metrics if m.startswith("label:")):
        if wanted not in carried:
            found.append(f"groups by {wanted}, which none of {names} carries")
    printed = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))
    kept = grouped if aggregated else carried
    for label in printed - kept:
        found.append(f"legend prints {label}, which the result does not keep")
    return found
