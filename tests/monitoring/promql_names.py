"""Metric names in PromQL expressions, and the families of a Prometheus text exposition.

metric_names(expr) is a deliberately simple scan, not a PromQL parser: it drops string
literals, label matchers {...}, ranges and subqueries [...], grouping clauses (by/without/on/
ignoring/group_left/group_right (...)) and Grafana variables ($x, ${x}), then keeps every
identifier that is not a function or aggregation (followed by "("), a keyword or part of a
number. Good enough for the rules and dashboard we write; test_metric_names.py shows it finds
names it must find, so a scan that finds nothing cannot pass for a clean bill.
"""

from __future__ import annotations

import re
from pathlib import Path

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "inf", "nan", "atan2"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+")
_IDENT = re.compile(r"(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")
# Grafana variable queries: label_values(<selector>, label) names a label after the selector.
_LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$", re.S)


def metric_names(expr: str) -> set[str]:
    """Metric names an expression reads."""
    m = _LABEL_VALUES.match(expr)
    if m:
        expr = m.group(1)
    expr = _STRING.sub(" ", expr)
    expr = _VARIABLE.sub(" ", expr)
    # Matchers first: a grouping list never holds braces, but a matcher may hold parentheses.
    expr = _MATCHERS.sub(" ", expr)
    expr = _RANGE.sub(" ", expr)
    expr = _GROUPING.sub(" ", expr)
    names = set()
    for ident, call in _IDENT.findall(expr):
        if call or ident in KEYWORDS:
            continue
        names.add(ident)
    return names


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Exposition:
    """A parsed /metrics body: families (# TYPE) and samples."""

    def __init__(self, text: str, data_dir: Path | None = None):
        self.text = text
        self.data_dir = data_dir  # the broker's data directory, when scraped from a broker
        self.types: dict[str, str] = {}
        self.samples: list[tuple[str, dict[str, str], float]] = []
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(maxsplit=3)
                self.types[name] = kind
            elif line and not line.startswith("#"):
                m = SAMPLE.match(line)
                assert m, f"malformed exposition line {line!r}"
                self.samples.append((m.group(1), dict(LABEL.findall(m.group(2) or "")),
                                     float(m.group(3))))

    def sample_names(self) -> set[str]:
        return {name for name, _, _ in self.samples}

    def values(self, name: str) -> list[tuple[dict[str, str], float]]:
        return [(labels, v) for n, labels, v in self.samples if n == name]

    def value(self, name: str) -> float:
        """The single unlabelled sample of `name`."""
        found = [v for labels, v in self.values(name) if not labels]
        assert len(found) == 1, f"{name}: expected one unlabelled sample, got {self.values(name)}"
        return found[0]


def missing_names(used: set[str], scrapes: list[Exposition],
                  made_by_prometheus: frozenset[str] = frozenset({"up"})) -> set[str]:
    """Names in `used` that no scrape has samples for. A histogram's _bucket/_sum/_count name
    counts as present when the scrape declares the base name a histogram with samples."""
    present = set(made_by_prometheus)
    for scrape in scrapes:
        names = scrape.sample_names()
        present |= names
        for family, kind in scrape.types.items():
            if kind in ("histogram", "summary") and any(
                    family + s in names for s in HISTOGRAM_SUFFIXES):
                present |= {family + s for s in HISTOGRAM_SUFFIXES} | {family}
    return {n for n in used if n not in present}
