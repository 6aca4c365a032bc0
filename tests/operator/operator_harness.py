"""Runs sluice-operator as a host process against the test control plane (tests/operator).

The binary is $SLUICE_OPERATOR_BIN, else <build>/operator/sluice-operator where <build> is
$SLUICE_BUILD_DIR (default: build/ at the repository top). A missing binary fails the test with
the command that builds it; it is never a silent skip."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from k8s_harness import REPO, Cluster, tail, wait_until

CRDS = REPO / "manifests" / "crds"
SAMPLES = REPO / "manifests" / "samples"


def build_dir() -> Path:
    return Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))


def built_binary(env: str, relative: str) -> Path:
    path = Path(os.environ[env]) if env in os.environ else build_dir() / relative
    if not path.is_file():
        pytest.fail(f"{path} not found: build it (ninja -C {build_dir()} {Path(relative).name}) "
                    f"or set {env}")
    return path


class Operator:
    """One sluice-operator process. Its stderr goes to a log file; stop() sends SIGTERM and
    returns the exit code, kill() SIGKILL."""

    def __init__(self, k8s: Cluster, log_path: Path, *args: str):
        self.log_path = log_path
        self.args = [str(built_binary("SLUICE_OPERATOR_BIN", "operator/sluice-operator")),
                     "--kubeconfig", str(k8s.kubeconfig), "--http-host", "127.0.0.1",
                     "--metrics-port", "0", "--health-port", "0", *args]
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.metrics_port = 0
        self.health_port = 0
        def ports():
            m = re.search(r"metrics :(\d+), health :(\d+)", self.log())
            if self.proc.poll() is not None:
                raise AssertionError(f"operator exited {self.proc.returncode}:\n{tail(self.log())}")
            return m
        m = wait_until(ports, 30, "the operator to start serving HTTP", interval=0.1)
        self.metrics_port, self.health_port = int(m.group(1)), int(m.group(2))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def http(self, port: int, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def metric(self, name: str) -> float:
        """The value of an unlabelled or single-series metric, 0 if absent."""
        _, text = self.http(self.metrics_port, "/metrics")
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def metric_sum(self, name: str) -> float:
        """The sum over all series of a metric (0 if absent)."""
        _, text = self.http(self.metrics_port, "/metrics")
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + " ") or line.startswith(name + "{"))

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                raise AssertionError(f"operator ignored SIGTERM for {timeout}s:\n{tail(self.log())}")
        self._log.close()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()


def install_crds(k8s: Cluster) -> None:
    k8s.kubectl("apply", "-f", str(CRDS))
    k8s.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                "crd/sluiceclusters.sluice.dev", "crd/sluicetopics.sluice.dev")


def condition(obj: dict, type_: str) -> dict:
    for c in obj.get("status", {}).get("conditions", []):
        if c["type"] == type_:
            return c
    return {}


def make_cluster(k8s: Cluster, ns: str, name: str, brokers: int = 3, storage: str = "ephemeral",
                 extra: str = "") -> None:
    storage_spec = ("{type: ephemeral, size: 1Gi}" if storage == "ephemeral"
                    else "{type: persistent, size: 1Gi, class: sluice-static}")
    k8s.apply(f"""apiVersion: sluice.dev/v1alpha1
kind: SluiceCluster
metadata: {{name: {name}, namespace: {ns}}}
spec:
  brokers: {brokers}
  storage: {storage_spec}
  rack: {{topologyKey: topology.kubernetes.io/zone}}
{extra}""")


def cluster(k8s: Cluster, ns: str, name: str) -> dict:
    return k8s.get_json("-n", ns, f"sluicecluster/{name}")


def wait_ready(k8s: Cluster, ns: str, name: str, brokers: int, timeout: float = 60) -> dict:
    def ready():
        c = cluster(k8s, ns, name)
        s = c.get("status", {})
        return c if (condition(c, "Ready").get("status") == "True"
                     and s.get("readyBrokers") == brokers
                     and s.get("observedGeneration") == c["metadata"]["generation"]) else None
    return wait_until(ready, timeout, f"{ns}/{name} Ready with {brokers} brokers", interval=0.5)


# --------------------------------------------------------------------------------------------
# Real sluice-broker processes for the SluiceTopic tests (tests/integration/harness.py's Broker)


def integration_harness():
    """tests/integration/harness.py, loaded by path (its Broker, kcat and kafka_tool helpers)."""
    import importlib.util
    import sys
    name = "sluice_integration_harness"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, REPO / "tests" / "integration" / "harness.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def broker_binary() -> Path:
    return built_binary("SLUICE_BROKER_BIN", "broker/sluice-broker")


def start_broker(workdir: Path, *args: str):
    """A sluice-broker on free 127.0.0.1 ports with its own data dir, ready (/readyz 200)."""
    broker = integration_harness().Broker(broker_binary(), workdir, extra_args=args)
    broker.start()
    return broker


def bootstrap_address(ns: str, cluster_name: str, port: int = 9092) -> str:
    """The address the operator dials for a SluiceCluster (its bootstrap Service)."""
    return f"{cluster_name}-bootstrap.{ns}.svc:{port}"


def broker_pod_address(ns: str, cluster_name: str, index: int = 0, port: int = 9092) -> str:
    """The address broker `index` of a SluiceCluster advertises in Kubernetes."""
    return f"{cluster_name}-{index}.{cluster_name}-brokers.{ns}.svc:{port}"
