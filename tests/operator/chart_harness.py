"""Helpers for tests/operator/test_chart.py: helm (built from its Go module by
scripts/tools/go-tool.sh, cached), the chart charts/sluice, and the Prometheus Operator CRDs taken
from that project's Go module at test time (never copied into the repository)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from k8s_harness import REPO, Cluster, tail

CHART = REPO / "charts" / "sluice"
HELM_MODULE = "helm.sh/helm/v3/cmd/helm@v3.22.0"
# The Prometheus Operator release whose CRDs (example/prometheus-operator-crd/) the monitoring
# objects are checked against.
PROMETHEUS_OPERATOR_MODULE = "github.com/prometheus-operator/prometheus-operator@v0.85.0"
MONITORING_KINDS = ("servicemonitors", "podmonitors", "prometheusrules")

# Values that switch every monitoring object on.
MONITORING_ON = ["--set", "monitoring.serviceMonitor.enabled=true",
                 "--set", "monitoring.podMonitor.enabled=true",
                 "--set", "monitoring.prometheusRule.enabled=true",
                 "--set", "monitoring.grafanaDashboard.enabled=true"]


def go_tool(module: str, timeout: float = 3600) -> Path:
    """The path of a Go command built by scripts/tools/go-tool.sh (a no-op when cached)."""
    proc = subprocess.run([str(REPO / "scripts" / "tools" / "go-tool.sh"), module],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        pytest.fail(f"scripts/tools/go-tool.sh {module} failed ({proc.returncode}):\n"
                    f"{tail(proc.stdout)}\n{tail(proc.stderr)}")
    return Path(proc.stdout.strip().splitlines()[-1])


@dataclass
class Helm:
    binary: Path
    home: Path  # HELM_{CACHE,CONFIG,DATA}_HOME: nothing is written to the user's own

    def run(self, *args: str, kubeconfig: Path | None = None, check: bool = True,
            timeout: float = 180) -> subprocess.CompletedProcess:
        env = dict(os.environ, HELM_CACHE_HOME=str(self.home / "cache"),
                   HELM_CONFIG_HOME=str(self.home / "config"),
                   HELM_DATA_HOME=str(self.home / "data"))
        cmd = [str(self.binary), *args]
        if kubeconfig is not None:
            cmd += ["--kubeconfig", str(kubeconfig)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise AssertionError(f"helm {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}{proc.stderr}")
        return proc

    def template(self, namespace: str, *values: str, release: str = "sluice",
                 crds: bool = False) -> str:
        args = ["template", release, str(CHART), "--namespace", namespace, *values]
        if crds:
            args.append("--include-crds")
        return self.run(*args).stdout


def server_dry_run(k8s: Cluster, manifest: str) -> tuple[list[dict], str]:
    """Applies a rendered manifest with `kubectl apply --dry-run=server`: every object goes
    through the API server's defaulting, validation and admission but nothing is stored.
    Returns the objects as the server would store them, and kubectl's stderr (warnings)."""
    proc = k8s.kubectl("apply", "--dry-run=server", "-o", "json", "-f", "-", input=manifest,
                       timeout=120)
    out = json.loads(proc.stdout)
    return (out["items"] if out.get("kind") == "List" else [out]), proc.stderr


def by_kind(objects: list[dict]) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for o in objects:
        kinds.setdefault(o["kind"], []).append(o)
    return kinds


def install_prometheus_operator_crds(k8s: Cluster, workdir: Path) -> None:
    """Downloads the Prometheus Operator module into the Go module cache (`go mod download`,
    cached after the first time) and applies its ServiceMonitor, PodMonitor and PrometheusRule
    CRDs (server-side: they are too large for the last-applied annotation)."""
    proc = subprocess.run(["go", "mod", "download", "-json", PROMETHEUS_OPERATOR_MODULE],
                          cwd=workdir, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL, env=dict(os.environ, GOFLAGS="-mod=mod"))
    if proc.returncode != 0:
        pytest.fail(f"go mod download {PROMETHEUS_OPERATOR_MODULE} failed:\n"
                    f"{tail(proc.stdout)}\n{tail(proc.stderr)}")
    crd_dir = Path(json.loads(proc.stdout)["Dir"]) / "example" / "prometheus-operator-crd"
    files = [crd_dir / f"monitoring.coreos.com_{kind}.yaml" for kind in MONITORING_KINDS]
    missing = [str(f) for f in files if not f.is_file()]
    assert not missing, f"{PROMETHEUS_OPERATOR_MODULE} has no {missing}"
    args = ["apply", "--server-side", "--force-conflicts", "--field-manager=sluice-tests"]
    for f in files:
        args += ["-f", str(f)]
    k8s.kubectl(*args, timeout=120)
    k8s.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                *[f"crd/{kind}.monitoring.coreos.com" for kind in MONITORING_KINDS])
