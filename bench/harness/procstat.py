"""CPU seconds and peak RSS of a process, per workload, from /proc (Linux only).

CPU: utime + stime of the whole process (all threads), fields 14 and 15 of /proc/<pid>/stat.
Peak RSS: VmHWM of /proc/<pid>/status, reset at the start of each workload by writing 5 to
/proc/<pid>/clear_refs (Linux >= 4.0, needs the process's owner or root). If the reset fails the
peak is the process's lifetime peak, and the result says so.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Optional

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")" closing the command name, field 3 (state) is index 0: utime is 14 -> 11.
    return (int(fields[11]) + int(fields[12])) / TICKS


def status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def system_busy_seconds() -> float:
    """Non-idle CPU time of the whole machine (all CPUs) from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    values = [int(v) for v in parts[:8]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS


class Sampler:
    """Measures one process over one workload; also samples CPU% and RSS once a second."""

    def __init__(self, pid: int):
        self.pid = pid
        self.series: list[dict] = []
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.hwm_reset = False

    def start(self) -> None:
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            self.hwm_reset = True
        except OSError:
            self.hwm_reset = False
        self._t0 = time.monotonic()
        self._cpu0 = cpu_seconds(self.pid)
        self._sys0 = system_busy_seconds()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last_t, last_cpu = self._t0, self._cpu0
        while not self._stop.wait(1.0):
            try:
                now, cpu = time.monotonic(), cpu_seconds(self.pid)
                rss = status_kib(self.pid, "VmRSS")
            except OSError:
                return
            self.series.append({"t_s": round(now - self._t0, 3),
                                "cpu_percent": round(100 * (cpu - last_cpu) / max(now - last_t, 1e-6), 1),
                                "rss_mib": round(rss / 1024, 1)})
            last_t, last_cpu = now, cpu

    def stop(self) -> dict:
        self._stop.set()
        if self._thread:
            self._thread.join()
        wall = time.monotonic() - self._t0
        try:
            cpu = cpu_seconds(self.pid) - self._cpu0
            hwm = status_kib(self.pid, "VmHWM")
        except OSError:
            cpu, hwm = float("nan"), 0
        return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                "system_busy_cpu_s": round(system_busy_seconds() - self._sys0, 3),
                "peak_rss_mib": round(hwm / 1024, 1),
                "peak_rss_scope": "workload" if self.hwm_reset else "process lifetime",
                "series": self.series}
