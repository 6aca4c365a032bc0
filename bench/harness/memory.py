"""Puts every workload on the same footing in memory: the page cache full of clean pages.

On this VM the hypervisor takes back guest memory that stays free (free page reporting), and
the next write into such a page pays for the host to back it again: buffered appends into
freed memory ran at 0.33 GB/s, into reclaimed page cache at 0.85-0.9 GB/s (same broker, same
load). Which one a workload got depended on what ran before it. So before each workload the
harness reads a sparse ballast file (holes: no disk space, no disk reads) until at most
KEEP_FREE bytes are free. Brokers' writes then reclaim clean ballast pages, as they would
reclaim old log pages on a long-running machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

KEEP_FREE = 1 << 30
CHUNK = 1 << 20


def _meminfo(key: str) -> int:
    """One /proc/meminfo field in bytes."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {key} in /proc/meminfo")


def mem_free() -> int:
    return _meminfo("MemFree")


def mem_total() -> int:
    return _meminfo("MemTotal")


def fill_page_cache(ballast: Path) -> dict:
    """Grows the sparse `ballast` and reads the new part until at most KEEP_FREE bytes are
    free; returns what it did (MiB, s).

    One pass is not always enough: while it reads, the kernel may free other pages (this VM
    pages out memory left untouched for a minute), so it reads again while reading still
    lowers free memory, at most twice the machine's memory in all."""
    started = time.monotonic()
    free_before = mem_free()
    budget = 2 * mem_total()
    read = 0
    while read < budget:
        free = mem_free()
        need = max(0, free - KEEP_FREE) // CHUNK * CHUNK
        if need < 64 * CHUNK:
            break
        got = _read_more(ballast, min(need, budget - read))
        read += got
        if mem_free() > free - got // 2:
            break  # the kernel frees as much as is read (it keeps a reserve free): done
    return {"free_before_mib": free_before >> 20, "ballast_read_mib": read >> 20,
            "free_after_mib": mem_free() >> 20, "seconds": round(time.monotonic() - started, 2)}


def _read_more(ballast: Path, need: int) -> int:
    """Appends `need` bytes of holes to `ballast` and reads them; stops early once at most
    KEEP_FREE bytes are free. Returns the bytes read."""
    with open(ballast, "ab") as f:
        start = f.seek(0, os.SEEK_END)
        f.truncate(start + need)
    read = 0
    with open(ballast, "rb", buffering=0) as f:
        f.seek(start)
        buf = bytearray(CHUNK)
        while read < need:
            if read % (64 * CHUNK) == 0 and mem_free() <= KEEP_FREE:
                break
            n = f.readinto(buf)
            if not n:
                break
            read += n
    return read
