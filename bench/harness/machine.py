"""What the benchmark ran on: CPU, memory, kernel, disk and filesystem, software versions."""
from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
import time
from pathlib import Path

PROBE_BYTES = 256 << 20
# Speed probes further apart than this (max/min) mean the two brokers ran on different machines,
# in effect.
PROBE_DRIFT = 1.15


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def source_revision(source: Path) -> tuple[str, bool]:
    """The commit the broker was built from and whether the tree had uncommitted changes. A
    `git archive` export carries its commit in .sluice-commit (written by whoever exported it)."""
    marker = source / ".sluice-commit"
    if marker.exists():
        return marker.read_text().strip()[:12], False
    commit = _run("git", "-C", str(source), "rev-parse", "--short=12", "HEAD")
    dirty = bool(_run("git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"))
    return commit or "unknown", dirty


def describe(data_root: Path, sluice_source: Path) -> dict:
    cpuinfo = _read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    meminfo = _read("/proc/meminfo")
    mem_kib = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.M).group(1))
    lscpu = _run("lscpu")
    hyper = re.search(r"^Hypervisor vendor:\s*(.*)$", lscpu, re.M)
    mount = _run("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "--target", str(data_root)).split()
    source = mount[0] if mount else ""
    dev = Path(source).name
    rotational = _read(f"/sys/block/{dev}/queue/rotational")
    st = os.statvfs(data_root)
    return {
        "cpu_model": model.group(1) if model else platform.processor(),
        "cpus": os.cpu_count(),
        "hypervisor": hyper.group(1) if hyper else "none",
        "ram_gib": round(mem_kib / 2**20, 1),
        "kernel": platform.release(),
        "os": _read("/etc/debian_version") and f"Debian {_read('/etc/debian_version')}",
        "disk": {"data_root": str(data_root), "device": source,
                 "filesystem": mount[1] if len(mount) > 1 else "",
                 "mount_options": mount[2] if len(mount) > 2 else "",
                 "rotational_flag": rotational or "unknown",  # virtual disks often claim 1
                 "size_gb": round(st.f_blocks * st.f_frsize / 1e9, 1),
                 "free_gb_at_start": round(st.f_bavail * st.f_frsize / 1e9, 1)},
        "loadavg_at_start": _read("/proc/loadavg"),
        "sluice_source": str(sluice_source),
        "sluice_commit": source_revision(sluice_source)[0],
        "sluice_tree_dirty": source_revision(sluice_source)[1],
        "compiler": _run("c++", "--version").splitlines()[0] if _run("c++", "--version") else "",
        "python": platform.python_version(),
    }


def host_kind(m: dict) -> str:
    hv = m["hypervisor"].lower().replace(" ", "")
    return f"{hv if hv != 'none' else 'bare'}-{m['cpus']}vcpu-{round(m['ram_gib'])}gib"


def speed_probe(scratch: Path) -> dict:
    """How fast the machine is right now, in MB/s (higher is faster), the best of five tries:
    SHA-256 over 256 MiB in memory (CPU alone) and 256 MiB written to a file in `scratch` in
    1 MiB writes and deleted unflushed (the buffered-write path, most of a broker's CPU). Taken
    before each broker's workloads, it shows whether the two ran on a machine equally fast."""
    block = bytes(range(256)) * 4096
    hashes, writes = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        h = hashlib.sha256()
        for _ in range(PROBE_BYTES // len(block)):
            h.update(block)
        t1 = time.perf_counter()
        path = scratch / "speed-probe"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for _ in range(PROBE_BYTES // len(block)):
                os.write(fd, block)
        finally:
            os.close(fd)
            path.unlink()
        t2 = time.perf_counter()
        hashes.append(PROBE_BYTES / (t1 - t0) / 1e6)
        writes.append(PROBE_BYTES / (t2 - t1) / 1e6)
    return {"hash_mb_per_s": round(max(hashes)), "write_mb_per_s": round(max(writes))}


def probe_drift(probes: dict) -> float:
    """The largest max/min ratio of one probe figure across `probes` ({when: speed_probe()})."""
    drift = 1.0
    for key in ("hash_mb_per_s", "write_mb_per_s"):
        values = [p[key] for p in probes.values() if p.get(key)]
        if len(values) > 1:
            drift = max(drift, max(values) / min(values))
    return drift
