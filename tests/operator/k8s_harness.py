"""Helpers for the operator suite: the Cluster handle (kubectl against the test control plane)
and a bounded wait. Fixtures are in conftest.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts" / "k8s"


def tail(text: str, lines: int = 40) -> str:
    return "\n".join((text or "").splitlines()[-lines:])


def run_script(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    """Runs a script in its own process group; on timeout the whole group is killed."""
    start = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        pytest.fail(f"{' '.join(args)} did not finish within {timeout:.0f}s:\n"
                    f"{tail(out)}\n{tail(err)}")
    return subprocess.CompletedProcess(args, proc.returncode, out, err), time.monotonic() - start


def wait_until(predicate, timeout: float, what: str, interval: float = 1.0):
    """Polls predicate() until it returns a truthy value (returned) or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
            if last:
                return last
        except subprocess.SubprocessError as e:  # a transient kubectl failure: retry
            last = e
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")
        time.sleep(interval)


@dataclass
class Cluster:
    name: str
    kubeconfig: Path
    kubectl_bin: Path

    @property
    def workdir(self) -> Path:
        return self.kubeconfig.parent

    def kubectl(self, *args: str, input: str | None = None, timeout: float = 60,
                check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.kubectl_bin), "--kubeconfig", str(self.kubeconfig), *args]
        proc = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}{proc.stderr}")
        return proc

    def get_json(self, *args: str) -> dict:
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def apply(self, manifest: str, *args: str) -> subprocess.CompletedProcess:
        return self.kubectl("apply", "-f", "-", *args, input=manifest)

    def component_pids(self) -> dict[str, int]:
        pids = {}
        for f in sorted((self.workdir / "pids").glob("*.pid")):
            text = f.read_text().strip()
            if text.isdigit():
                pids[f.stem] = int(text)
        return pids
