"""Reads the rules file: just enough YAML for charts/sluice/files/prometheus-rules.yaml.

The test venv has no YAML library, and the file is ours, so this reads the subset it uses:
rules start with "- alert: NAME" or "- record: NAME"; a rule's `expr`, `for`, `severity`,
`summary` and `description` are plain one-line scalars or folded/literal block scalars (>-, |).
test_rules.py checks the count against promtool's own ("SUCCESS: N rules found"), so a rule this
reader missed fails the suite instead of escaping the metric-name check.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "charts" / "sluice" / "files" / "prometheus-rules.yaml"

_RULE = re.compile(r"^(\s*)- (alert|record):\s*(\S+)\s*$")
_KEY = re.compile(r"^(\s*)(expr|for|severity|summary|description):\s*(.*?)\s*$")


@dataclasses.dataclass
class Rule:
    kind: str  # "alert" or "record"
    name: str
    fields: dict[str, str]


def _scalar(lines: list[str], i: int, indent: int, value: str) -> tuple[str, int]:
    """The scalar starting on line i (key at `indent`); returns it and the next line index."""
    block = value[:1] in (">", "|")
    parts = [] if block else [value]
    j = i + 1
    while j < len(lines):
        line = lines[j]
        stripped = line.strip()
        depth = len(line) - len(line.lstrip())
        if stripped and (depth <= indent or (not block and _KEY.match(line))):
            break
        if stripped.startswith("#") and not block:
            break
        parts.append(stripped)
        j += 1
    text = " ".join(p for p in parts if p)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].replace("''", "'") if text[0] == "'" else text[1:-1]
    return text, j


def read_rules(path: Path = RULES) -> list[Rule]:
    lines = path.read_text().splitlines()
    rules: list[Rule] = []
    i = 0
    while i < len(lines):
        m = _RULE.match(lines[i])
        if m:
            rules.append(Rule(m.group(2), m.group(3), {}))
            i += 1
            continue
        k = _KEY.match(lines[i])
        if k and rules:
            value, i = _scalar(lines, i, len(k.group(1)), k.group(3))
            rules[-1].fields[k.group(2)] = value
            continue
        i += 1
    return rules
