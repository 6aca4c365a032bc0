"""Running consumer-group members as separate processes, for the test_groups*.py files.

A member process (java/GroupMember.java, clients/rdkafka_group_member.c, go/groupmember) writes
one line per event to its output file, flushed as it goes:
  R <partition> <offset> <key>     a record it processed
  ASSIGNED p,p,...  /  REVOKED p,p,...   rebalance callbacks
  COMMITTED <n>                    a synchronous commit of n partitions succeeded
  CLOSED                           it left the group cleanly
It stops when its stop file appears. Everything here is bounded in time.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
from pathlib import Path
from typing import Iterable, Sequence

import harness


class Member:
    def __init__(self, command: Sequence[str], workdir: Path, name: str):
        self.name = name
        self.out = workdir / f"{name}.out"
        self.stop_file = workdir / f"{name}.stop"
        self.err = workdir / f"{name}.stderr"
        self.out.touch()
        with open(self.err, "wb") as err:
            self.proc = subprocess.Popen([*map(str, command)], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err,
                                         start_new_session=True)

    def lines(self) -> list[str]:
        return self.out.read_text("utf-8", "replace").splitlines()

    def records(self) -> list[tuple[int, int]]:
        out = []
        for line in self.lines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "R":
                out.append((int(parts[1]), int(parts[2])))
        return out

    def assignment(self) -> set[int]:
        """Partitions currently assigned, replaying ASSIGNED/REVOKED (eager or incremental)."""
        owned: set[int] = set()
        for line in self.lines():
            kind, _, rest = line.partition(" ")
            if kind not in ("ASSIGNED", "REVOKED"):
                continue
            parts = {int(p) for p in rest.split(",") if p.strip()}
            if kind == "ASSIGNED":
                owned |= parts
            else:
                owned -= parts
        return owned

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 90) -> None:
        """Asks the member to leave cleanly; asserts it exits 0 having closed."""
        self.stop_file.touch()
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise harness.HarnessError(f"member {self.name} did not stop within {timeout}s\n"
                                       f"{self.describe()}") from None
        assert rc == 0, f"member {self.name} exited {rc}\n{self.describe()}"
        assert "CLOSED" in self.lines(), f"member {self.name} did not close\n{self.describe()}"

    def kill(self) -> None:
        """SIGKILL: the member vanishes without leaving the group."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def describe(self) -> str:
        return (f"--- {self.name} stderr ---\n{harness.tail(self.err, 30)}\n"
                f"--- {self.name} output ---\n{harness.tail(self.out, 15)}")


def cover(members: Iterable[Member], partitions: int, each_nonempty: bool = True) -> bool:
    """True if the live members' assignments are disjoint and together hold every partition."""
    owned = [m.assignment() for m in members]
    union: set[int] = set()
    for parts in owned:
        if union & parts:
            return False
        union |= parts
    if each_nonempty and any(not parts for parts in owned):
        return False
    return union == set(range(partitions))


def consumed(members: Iterable[Member]) -> list[tuple[int, int]]:
    out = []
    for m in members:
        out.extend(m.records())
    return out


def duplicates(records: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return sorted(r for r, n in collections.Counter(records).items() if n > 1)


def describe_all(members: Iterable[Member]) -> str:
    return "\n".join(m.describe() for m in members)


def cleanup(members: Iterable[Member]) -> None:
    for m in members:
        m.kill()
