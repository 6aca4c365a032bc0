"""Fixtures for the operator suite: a real Kubernetes control plane (scripts/k8s/).

The session fixture `k8s` builds the pinned binaries (scripts/k8s/build.sh, a no-op when they
are cached), starts a cluster with scripts/k8s/cluster.sh, and removes it at the end.

Environment:
  SLUICE_SKIP_K8S=1            skip this suite (the only way to skip it; a failed build fails it)
  SLUICE_K8S_CLUSTER=NAME      cluster name (default sluice-pytest-<pid>, so runs do not collide)
  SLUICE_K8S_BUILD_TIMEOUT=S   seconds allowed for build.sh (default 3600: a cold build)
  SLUICE_K8S_UP_TIMEOUT=S      seconds allowed for cluster.sh up (default 300)
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

from k8s_harness import SCRIPTS, Cluster, run_script, tail, wait_until


_TIMINGS: list[str] = []  # shown in the terminal summary


def pytest_terminal_summary(terminalreporter):
    if _TIMINGS:
        terminalreporter.section("k8s control plane")
        for line in _TIMINGS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def k8s() -> Cluster:
    if os.environ.get("SLUICE_SKIP_K8S") == "1":
        pytest.skip("SLUICE_SKIP_K8S=1: the Kubernetes control-plane tests are skipped")

    def say(line: str) -> None:
        _TIMINGS.append(line)

    build_timeout = float(os.environ.get("SLUICE_K8S_BUILD_TIMEOUT", "3600"))
    proc, took = run_script([str(SCRIPTS / "build.sh")], build_timeout)
    if proc.returncode != 0:
        pytest.fail(f"scripts/k8s/build.sh failed ({proc.returncode}) after {took:.0f}s:\n"
                    f"{tail(proc.stdout)}\n{tail(proc.stderr)}")
    say(f"build.sh: {took:.1f}s ({tail(proc.stdout, 1)})")

    name = os.environ.get("SLUICE_K8S_CLUSTER", f"sluice-pytest-{os.getpid()}")
    up_timeout = float(os.environ.get("SLUICE_K8S_UP_TIMEOUT", "300"))
    cluster_sh = str(SCRIPTS / "cluster.sh")
    try:
        proc, took = run_script([cluster_sh, "up", name], up_timeout)
        if proc.returncode != 0:
            pytest.fail(f"scripts/k8s/cluster.sh up {name} failed ({proc.returncode}) after "
                        f"{took:.0f}s:\n{tail(proc.stdout)}\n{tail(proc.stderr)}")
        say(f"cluster.sh up {name}: {took:.1f}s")
        kubeconfig = subprocess.run([cluster_sh, "kubeconfig", name], capture_output=True,
                                    text=True, timeout=30, check=True).stdout.strip()
        bin_dir = Path(subprocess.run(
            ["bash", "-c", 'source "$1" && echo "$K8S_BIN"', "-", str(SCRIPTS / "common.sh")],
            capture_output=True, text=True, timeout=30, check=True).stdout.strip())
        yield Cluster(name=name, kubeconfig=Path(kubeconfig), kubectl_bin=bin_dir / "kubectl")
    finally:
        down, took = run_script([cluster_sh, "down", name], 180)
        say(f"cluster.sh down {name}: {took:.1f}s (exit {down.returncode})")


@pytest.fixture
def namespace(k8s: Cluster, request):
    """A fresh namespace for one test, deleted (without waiting) afterwards."""
    # Unique per test and parameter set (parametrized names share their first 40 characters).
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:36].strip("-")
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:5]
    ns = f"t-{slug}-{digest}-{os.getpid() % 10000}"
    k8s.kubectl("create", "namespace", ns)
    wait_until(lambda: k8s.kubectl("-n", ns, "get", "serviceaccount", "default",
                                   check=False).returncode == 0,
               60, f"the default ServiceAccount in {ns}")
    yield ns
    k8s.kubectl("delete", "namespace", ns, "--wait=false", check=False)


@pytest.fixture(scope="session")
def crds(k8s: Cluster) -> Cluster:
    """The Sluice CRDs from manifests/crds, applied and Established."""
    from operator_harness import install_crds
    install_crds(k8s)
    return k8s


@pytest.fixture
def operator_factory(crds: Cluster, tmp_path):
    """Starts sluice-operator processes (operator_harness.Operator); all are stopped at the end."""
    from operator_harness import Operator
    started = []

    def start(*args: str, name: str = "operator") -> Operator:
        op = Operator(crds, tmp_path / f"{name}-{len(started)}.log", *args)
        started.append(op)
        return op

    yield start
    for op in started:
        if op.running():
            op.kill()
