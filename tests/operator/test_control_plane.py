"""Proves the test control plane (scripts/k8s/) is a real, usable Kubernetes: pinned version,
Ready fake nodes with zones, namespaces, StatefulSets whose claims bind to the static volumes,
CustomResourceDefinitions with watch, and server-side apply. Nothing here dials a pod IP:
everything goes through the API server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from k8s_harness import Cluster, wait_until

K8S_VERSION = next(line.split("=", 1)[1].strip()
                   for line in (Path(__file__).resolve().parents[2] / "scripts" / "k8s" /
                                "versions.env").read_text().splitlines()
                   if line.startswith("K8S_VERSION="))


def ready(obj: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in obj.get("status", {}).get("conditions", []))


def test_server_reports_the_pinned_version(k8s: Cluster):
    info = json.loads(k8s.kubectl("get", "--raw=/version").stdout)
    assert info["gitVersion"] == f"v{K8S_VERSION}", info
    client = json.loads(k8s.kubectl("version", "--client", "-o", "json").stdout)
    assert client["clientVersion"]["gitVersion"] == f"v{K8S_VERSION}", client


def test_components_listen_only_on_loopback(k8s: Cluster):
    pids = k8s.component_pids()
    assert {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
            "kwok-controller"} <= set(pids), pids
    inodes: dict[str, str] = {}
    for comp, pid in pids.items():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[target[8:-1]] = comp
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            f = line.split()
            if f[3] == "0A" and f[9] in inodes:  # 0A = LISTEN
                listening.append((inodes[f[9]], f[1]))
    assert {c for c, _ in listening} >= {"etcd", "kube-apiserver"}, listening
    loopback = ("0100007F:", "00000000000000000000000001000000:")  # 127.0.0.1, ::1
    wide = [(c, a) for c, a in listening if not a.startswith(loopback)]
    assert not wide, f"components listening beyond loopback: {wide}"


def test_fake_nodes_are_ready_and_spread_over_zones(k8s: Cluster):
    nodes = k8s.get_json("nodes", "-l", "sluice.dev/test-node=true")["items"]
    assert len(nodes) == int(os.environ.get("SLUICE_K8S_NODES", "3"))
    assert all(ready(n) for n in nodes), [n["status"].get("conditions") for n in nodes]
    zones = {n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in nodes}
    assert zones == {"zone-a", "zone-b", "zone-c"}


def test_namespace_can_be_created_and_deleted(k8s: Cluster):
    ns = f"sluice-ns-{os.getpid()}"
    k8s.kubectl("create", "namespace", ns)
    assert k8s.get_json("namespace", ns)["status"]["phase"] == "Active"
    k8s.kubectl("delete", "namespace", ns, "--wait=true", "--timeout=60s", timeout=90)
    assert k8s.kubectl("get", "namespace", ns, check=False).returncode != 0


STATEFULSET = """
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: p, port: 9092}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: main
        image: sluice-test/placeholder:0   # never pulled: kwok fakes the kubelet
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: sluice-static
      resources: {requests: {storage: 1Gi}}
"""


def test_statefulset_pods_run_on_fake_nodes_with_bound_claims(k8s: Cluster, namespace: str):
    k8s.apply(STATEFULSET, "-n", namespace)
    wait_until(lambda: k8s.get_json("-n", namespace, "statefulset", "web")
               .get("status", {}).get("readyReplicas") == 3, 180, "3 ready replicas")

    fake_nodes = {n["metadata"]["name"] for n in
                  k8s.get_json("nodes", "-l", "type=kwok")["items"]}
    pods = k8s.get_json("-n", namespace, "pods", "-l", "app=web")["items"]
    assert sorted(p["metadata"]["name"] for p in pods) == ["web-0", "web-1", "web-2"]
    for p in pods:
        assert p["status"]["phase"] == "Running", p["status"]
        assert ready(p), p["status"]
        assert p["spec"]["nodeName"] in fake_nodes

    claims = k8s.get_json("-n", namespace, "pvc")["items"]
    assert sorted(c["metadata"]["name"] for c in claims) == ["data-web-0", "data-web-1",
                                                             "data-web-2"]
    for c in claims:
        assert c["status"]["phase"] == "Bound", c["status"]
        assert c["spec"]["storageClassName"] == "sluice-static"
        pv = k8s.get_json("pv", c["spec"]["volumeName"])
        assert pv["status"]["phase"] == "Bound"
        assert pv["spec"]["claimRef"]["namespace"] == namespace


CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.harness.sluice.dev}
spec:
  group: harness.sluice.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
"""


def widget(name: str, size: int) -> str:
    return (f"apiVersion: harness.sluice.dev/v1\nkind: Widget\n"
            f"metadata: {{name: {name}}}\nspec: {{size: {size}}}\n")


def test_custom_resource_can_be_created_watched_and_deleted(k8s: Cluster, namespace: str):
    k8s.apply(CRD)
    try:
        k8s.kubectl("wait", "--for=condition=Established", "crd/widgets.harness.sluice.dev",
                    "--timeout=60s", timeout=90)
        # Discovery can lag the Established condition by a moment.
        wait_until(lambda: k8s.kubectl("-n", namespace, "get", "widgets",
                                       check=False).returncode == 0, 60, "widgets discovery")

        # The schema is enforced by the API server.
        bad = k8s.kubectl("-n", namespace, "apply", "-f", "-", input=widget("bad", 0),
                          check=False)
        assert bad.returncode != 0 and "spec.size" in bad.stderr, bad.stderr

        watch = subprocess.Popen(
            [str(k8s.kubectl_bin), "--kubeconfig", str(k8s.kubeconfig), "-n", namespace,
             "get", "widgets", "--watch", "--output-watch-events", "--request-timeout=60s",
             "-o", "jsonpath={.type} {.object.metadata.name} {.object.spec.size}{\"\\n\"}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(2)  # let the watch establish before changing anything
            k8s.kubectl("-n", namespace, "apply", "-f", "-", input=widget("w1", 1))
            k8s.kubectl("-n", namespace, "patch", "widget", "w1", "--type=merge",
                        "-p", '{"spec":{"size":2}}')
            assert k8s.get_json("-n", namespace, "widget", "w1")["spec"]["size"] == 2
            k8s.kubectl("-n", namespace, "delete", "widget", "w1", "--wait=true",
                        "--timeout=30s")
            time.sleep(2)  # let the last event arrive
        finally:
            watch.terminate()
            try:
                out, err = watch.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                watch.kill()
                out, err = watch.communicate(timeout=10)
        events = [line.split() for line in out.splitlines() if line.strip()]
        assert ["ADDED", "w1", "1"] in events, (out, err)
        assert ["MODIFIED", "w1", "2"] in events, (out, err)
        assert any(e[:2] == ["DELETED", "w1"] for e in events), (out, err)
        assert k8s.kubectl("-n", namespace, "get", "widget", "w1", check=False).returncode != 0
    finally:
        k8s.kubectl("delete", "crd", "widgets.harness.sluice.dev", "--wait=false", check=False)


def config_map(value: str) -> str:
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: ssa}}\n"
            f"data: {{mode: {value}}}\n")


def test_server_side_apply_tracks_field_ownership(k8s: Cluster, namespace: str):
    k8s.kubectl("-n", namespace, "apply", "--server-side", "--field-manager=test",
                "-f", "-", input=config_map("a"))
    cm = k8s.get_json("-n", namespace, "configmap", "ssa", "--show-managed-fields")
    managers = {(m["manager"], m["operation"]) for m in cm["metadata"]["managedFields"]}
    assert ("test", "Apply") in managers, managers

    # Another manager changing a field that "test" owns is a conflict...
    other = k8s.kubectl("-n", namespace, "apply", "--server-side", "--field-manager=other",
                        "-f", "-", input=config_map("b"), check=False)
    assert other.returncode != 0 and "conflict" in other.stderr.lower(), other.stderr
    assert k8s.get_json("-n", namespace, "configmap", "ssa")["data"]["mode"] == "a"

    # ...unless it forces, which moves ownership of the field.
    k8s.kubectl("-n", namespace, "apply", "--server-side", "--field-manager=other",
                "--force-conflicts", "-f", "-", input=config_map("b"))
    cm = k8s.get_json("-n", namespace, "configmap", "ssa", "--show-managed-fields")
    assert cm["data"]["mode"] == "b"
    owners = {m["manager"] for m in cm["metadata"]["managedFields"]
              if "f:mode" in str(m.get("fieldsV1", {}))}
    assert owners == {"other"}, cm["metadata"]["managedFields"]
