"""W8: how fast a broker compacts a partition, measured from outside the same way on both.

The fill phase writes keyed records to a compacted topic whose min.compaction.lag.ms holds the
cleaner off; the next phase sets it to 0 (AlterConfigs). start(), just before that, starts the
clock; watch() then samples the partition's segment files until the closed segments (every
*.log but the active, newest one) hold less than `threshold_bytes` and stay unchanged for
`settle_s`, or a timeout. The compaction took from start() to the last change of that size.
Only *.log files count: indexes are not record data, and Kafka renames replaced segments to
*.deleted and removes them only file.delete.delay.ms (60 s) later.

Each broker also states what it did in its own log; own_statements() parses that: Kafka's
LogCleaner statistics ("... MB of log processed in ... seconds") and Sluice's one line per
compaction ("<dir>: compacted offsets ...: N segments, X bytes -> M segments, Y bytes; ...
in D ms").
"""
from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path
from typing import Optional


@dataclasses.dataclass
class Watch:
    threshold_bytes: int   # closed segments below this: compacted
    timeout_s: float       # to get under the threshold
    interval_s: float = 0.1
    settle_s: float = 2.0  # then unchanged this long: done


def partition_dir(data_dir: Path, topic: str, partition: int = 0) -> Optional[Path]:
    # os.walk, not a recursive glob: a broker deletes other topics' directories meanwhile
    # (Kafka renames them to *-delete first), and a vanished directory must not end the run.
    name = f"{topic}-{partition}"
    found = sorted(Path(root) / name for root, dirs, _ in os.walk(data_dir, onerror=lambda e: None)
                   if name in dirs)
    return found[0] if found else None


def segment_bytes(d: Path) -> tuple[int, int]:
    """(closed, active): bytes of the segment files, the newest (highest base offset) active."""
    sizes = []
    for f in d.glob("*.log"):
        try:
            sizes.append((f.name, f.stat().st_size))
        except FileNotFoundError:  # replaced by the cleaner meanwhile
            pass
    if not sizes:
        return 0, 0
    sizes.sort()
    return sum(s for _, s in sizes[:-1]), sizes[-1][1]


def start(data_dir: Path, topic: str) -> dict:
    """To call just before the config change that makes the partition cleanable: starts the
    clock and takes the size then, so that a cleaner that begins at once is not missed."""
    d = partition_dir(data_dir, topic)
    closed, active = segment_bytes(d) if d else (0, 0)
    return {"dir": d, "topic": topic, "t0": time.monotonic(), "closed": closed, "active": active}


def watch(started: dict, w: Watch) -> dict:
    """Samples the partition from `started` until it is compacted or `w.timeout_s` passed."""
    d, t0, before, active = started["dir"], started["t0"], started["closed"], started["active"]
    if d is None:
        return {"problems": [f"no directory {started['topic']}-0 in the broker's data"]}
    samples = [[0.0, before, active]]
    out = {"dir": str(d), "threshold_bytes": w.threshold_bytes, "before_bytes": before,
           "active_bytes_before": active, "problems": []}
    if before <= w.threshold_bytes:
        out["problems"].append(f"only {before} bytes in closed segments at the start: nothing to compact")
        out["samples"] = samples
        return out
    # Bounded by time and by count. Once under the threshold, sampling goes on until the size
    # has not changed for w.settle_s: a cleaner may swap its last groups a little later.
    t, below_at, changed_at = 0.0, None, 0.0
    for _ in range(int((w.timeout_s + w.settle_s) / w.interval_s) + 1):
        time.sleep(w.interval_s)
        t = time.monotonic() - t0
        closed, active = segment_bytes(d)
        if closed != samples[-1][1]:
            changed_at = t
        samples.append([round(t, 3), closed, active])
        if below_at is None and closed < w.threshold_bytes:
            below_at = t
        if (below_at is not None and t - changed_at >= w.settle_s) or (below_at is None and t > w.timeout_s):
            break
    if below_at is None:
        out["problems"].append(f"closed segments still held {samples[-1][1]} bytes after {t:.0f} s "
                               f"(compacted means under {w.threshold_bytes})")
    else:
        out.update(seconds=round(changed_at, 3), below_threshold_s=round(below_at, 3),
                   after_bytes=samples[-1][1], active_bytes_after=samples[-1][2])
    out["samples"] = samples
    return out


_MIB = 1024 * 1024


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def kafka_statements(log_text: str, topic: str) -> list[dict]:
    """Kafka's LogCleaner stats for `topic`-0; its MB are MiB, converted to bytes."""
    out = []
    for m in re.finditer(rf"cleaned log {re.escape(topic)}-0 .*?"
                         r"([\d,.]+) MB of log processed in ([\d,.]+) seconds.*?"
                         r"Start size: ([\d,.]+) MB.*?End size: ([\d,.]+) MB", log_text, re.S):
        out.append({"read_bytes": int(_num(m.group(1)) * _MIB), "seconds": _num(m.group(2)),
                    "before_bytes": int(_num(m.group(3)) * _MIB), "after_bytes": int(_num(m.group(4)) * _MIB)})
    return out


def sluice_statements(log_text: str, topic: str) -> list[dict]:
    out = []
    for m in re.finditer(rf"/{re.escape(topic)}-0: compacted offsets .*?: \d+ segments, (\d+) bytes -> "
                         r"\d+ segments, (\d+) bytes; .*? in (\d+) ms", log_text):
        out.append({"read_bytes": int(m.group(1)), "seconds": int(m.group(3)) / 1000,
                    "before_bytes": int(m.group(1)), "after_bytes": int(m.group(2))})
    return out


def own_statements(log_path: Path, broker_name: str, topic: str, wait_s: float = 10.0) -> list[dict]:
    """The broker's own statements about compacting `topic`-0, waiting up to `wait_s` for one
    (Kafka logs after its last group is swapped, which may be after the watch saw the drop)."""
    parse = kafka_statements if broker_name == "kafka" else sluice_statements
    deadline = time.monotonic() + wait_s
    found: list[dict] = []
    for _ in range(int(wait_s / 0.2) + 1):  # bounded by count and time
        try:
            found = parse(log_path.read_text(errors="replace"), topic)
        except OSError:
            found = []
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return found
