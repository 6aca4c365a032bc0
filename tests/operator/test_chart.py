"""The Helm chart charts/sluice and the plain manifests rendered from it (manifests/install/,
manifests/monitoring/): lint and values schema, CRD copies and rendered files that cannot drift,
every rendered object accepted by the real API server (server-side dry run, including the
Prometheus Operator objects against that project's own CRDs), and `helm install` into a namespace
that enforces the restricted Pod Security Standard, with the operator binary run on this host as
the chart's ServiceAccount (kwok fakes the kubelet, so the chart's pod does not run it) until it
reconciles the samples; then `helm uninstall` leaves nothing of the operator behind but the CRDs.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import socket
import subprocess

import pytest

from chart_harness import (CHART, HELM_MODULE, MONITORING_ON, Helm, by_kind, go_tool,
                           install_prometheus_operator_crds, server_dry_run)
from k8s_harness import REPO, SCRIPTS, Cluster, wait_until
from operator_harness import SAMPLES, condition, make_cluster, wait_ready
from test_client_auth import RBAC as README_RBAC, server_of, token_kubeconfig

CRDS = REPO / "manifests" / "crds"
OPERATOR_LABELS = "app.kubernetes.io/name=sluice-operator,app.kubernetes.io/instance=sluice"
# Every kind the chart makes, for the uninstall check (CRDs are left, as Helm does).
CHART_KINDS = ("deployments,replicasets,pods,services,serviceaccounts,roles,rolebindings,"
               "configmaps")
CLUSTER_KINDS = "clusterroles,clusterrolebindings"
MONITORING_KINDS = "servicemonitors.monitoring.coreos.com,podmonitors.monitoring.coreos.com," \
                   "prometheusrules.monitoring.coreos.com"
RESTRICTED = ["pod-security.kubernetes.io/enforce=restricted",
              "pod-security.kubernetes.io/warn=restricted"]


@pytest.fixture(scope="session")
def helm(tmp_path_factory) -> Helm:
    return Helm(go_tool(HELM_MODULE), tmp_path_factory.mktemp("helm-home"))


@pytest.fixture(scope="session")
def prometheus_crds(k8s: Cluster, tmp_path_factory) -> Cluster:
    install_prometheus_operator_crds(k8s, tmp_path_factory.mktemp("prometheus-operator"))
    return k8s


def rules_of(role: dict) -> set:
    return {(tuple(r.get("apiGroups", [])), tuple(r["resources"]), tuple(sorted(r["verbs"])),
             tuple(r.get("resourceNames", []))) for r in role.get("rules", [])}


def is_lease_rule(rule: tuple) -> bool:
    return rule[1] == ("leases",)


def container_of(deployment: dict) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, containers
    return containers[0]


def free_closed_port() -> int:
    """A loopback port that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Without a cluster


def test_chart_crds_are_copies_of_manifests_crds():
    ours = sorted(p.name for p in (CHART / "crds").glob("*.yaml"))
    assert ours == sorted(p.name for p in CRDS.glob("*.yaml")), ours
    for name in ours:
        assert filecmp.cmp(CHART / "crds" / name, CRDS / name, shallow=False), \
            f"charts/sluice/crds/{name} differs from manifests/crds/{name}: copy it again"


@pytest.mark.parametrize("values", [[], ["--set", "rbac.clusterWide=true"], MONITORING_ON,
                                    ["--set", "rbac.clusterWide=true", *MONITORING_ON],
                                    ["--set", "leaderElection.enabled=false"]],
                         ids=["default", "cluster-wide", "monitoring", "cluster-wide-monitoring",
                              "no-leader-election"])
def test_helm_lint_and_template_pass(helm, values):
    out = helm.run("lint", "--strict", str(CHART), *values).stdout
    assert "0 chart(s) failed" in out, out
    assert "kind: Deployment" in helm.template("sluice-system", *values)


@pytest.mark.parametrize("value,message", [
    ("logLevel=verbose", "at '/logLevel': value must be one of 'debug', 'info', 'warn', 'error'"),
    ("replicaCount=-1", "at '/replicaCount': minimum: got -1, want 0"),
    ("rbac.clusterWide=yes", "at '/rbac/clusterWide': got string, want boolean"),
    ("metrics.port=70000", "at '/metrics/port': maximum"),
    ("image.digest=latest", "at '/image/digest': 'latest' does not match pattern"),
    ("watchNamespace=Team_A", "at '/watchNamespace': 'Team_A' does not match pattern"),
    ("monitoring.podMonitor.interval=often", "at '/monitoring/podMonitor/interval'"),
    ("resource.limits.cpu=1", "additional properties 'resource' not allowed"),
])
def test_values_schema_rejects_bad_values_with_the_key_path(helm, value, message):
    for command in (["lint", "--strict", str(CHART)],
                    ["template", "sluice", str(CHART), "--namespace", "sluice-system"]):
        proc = helm.run(*command, "--set", value, check=False)
        assert proc.returncode != 0, (command, proc.stdout)
        text = proc.stdout + proc.stderr
        assert "values don't meet the specifications of the schema" in text, text
        assert message in text, text


@pytest.mark.parametrize("values,message", [
    ("rbac.clusterWide=true,watchNamespace=team-a",
     "watchNamespace must be empty when rbac.clusterWide is true"),
    ("replicaCount=2,leaderElection.enabled=false",
     "replicaCount > 1 needs leaderElection.enabled"),
    ("health.port=8080", "metrics.port and health.port must differ"),
    ("leaderElection.renewDeadlineSeconds=20",
     "renewDeadlineSeconds must be less than leaderElection.leaseDurationSeconds"),
    ("serviceAccount.create=false", "serviceAccount.name is required"),
])
def test_contradictory_values_fail_the_render_with_a_message(helm, values, message):
    proc = helm.run("template", "sluice", str(CHART), "--set", values, check=False)
    assert proc.returncode != 0, proc.stdout
    assert message in proc.stderr, proc.stderr


def test_plain_manifests_equal_the_current_helm_template_output(helm, tmp_path):
    proc = subprocess.run([str(REPO / "scripts" / "render-manifests.sh"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "SLUICE_HELM": str(helm.binary)})
    assert proc.returncode == 0, proc.stderr
    for sub in ("install", "monitoring"):
        fresh = sorted(p.name for p in (tmp_path / sub).iterdir())
        committed = sorted(p.name for p in (REPO / "manifests" / sub).glob("*.yaml"))
        assert fresh == committed, (sub, fresh, committed)
        stale = [n for n in fresh if not filecmp.cmp(tmp_path / sub / n,
                                                     REPO / "manifests" / sub / n, shallow=False)]
        assert not stale, f"manifests/{sub}/{stale} differ from the chart: run " \
                          "scripts/render-manifests.sh"
    # The default install renders to exactly these files (nothing of the chart is left out).
    default = helm.template("sluice-system")
    parts = "".join((REPO / "manifests" / "install" / n).read_text()
                    for n in ("02-rbac.yaml", "03-operator.yaml"))
    sources = lambda text: sorted(re.findall(r"^# Source: (\S+)", text, re.M))
    assert sources(parts) == sources(default)


def test_another_watched_namespace_gets_the_role_and_the_lease(helm):
    text = helm.template("sluice-system", "--set", "watchNamespace=team-a")
    docs = {m.group(1): m.group(0) for m in re.finditer(
        r"^kind: (\w+)\n(?:.*\n)*?(?=^---|\Z)", text, re.M)}
    for kind in ("Role", "RoleBinding"):
        assert "\n  namespace: team-a\n" in docs[kind], docs[kind]
    assert "\n    namespace: sluice-system\n" in docs["RoleBinding"]  # the ServiceAccount's
    for kind in ("ServiceAccount", "Deployment", "Service"):
        assert "\n  namespace: sluice-system\n" in docs[kind], docs[kind]
    assert "- --namespace=team-a\n" in docs["Deployment"]
    assert "- --lease-namespace=team-a\n" in docs["Deployment"]
    assert "ClusterRole" not in text


def test_images_name_no_registry_host(helm):
    text = helm.template("sluice-system", *MONITORING_ON, "--set", "rbac.clusterWide=true")
    images = re.findall(r'^\s*image: "?([^"\s]+)"?', text, re.M)
    assert images == ["sluice/sluice-operator:" + re.search(
        r'^appVersion: "?([^"\s]+)', (CHART / "Chart.yaml").read_text(), re.M).group(1)]
    for image in images:
        first = image.split("/")[0]
        assert "." not in first and ":" not in first and first != "localhost", image


# --------------------------------------------------------------------------------------------
# On the real API server


@pytest.mark.parametrize("cluster_wide", [False, True], ids=["namespaced", "cluster-wide"])
def test_every_rendered_object_passes_a_server_side_dry_run(helm, prometheus_crds, crds,
                                                            namespace, cluster_wide):
    k8s = prometheus_crds
    k8s.kubectl("label", "namespace", namespace, *RESTRICTED)
    values = ["--set", "rbac.clusterWide=true"] if cluster_wide else []
    manifest = helm.template(namespace, *values, *MONITORING_ON, crds=True)
    objects, warnings = server_dry_run(k8s, manifest)
    # A Deployment whose pods the restricted level would refuse gets a warning at apply time.
    assert "violate PodSecurity" not in warnings, warnings
    kinds = by_kind(objects)
    common = {"CustomResourceDefinition": 2, "ServiceAccount": 1, "Role": 1, "RoleBinding": 1,
              "Service": 1, "Deployment": 1, "ServiceMonitor": 1, "PodMonitor": 1,
              "PrometheusRule": 1, "ConfigMap": 1}
    if cluster_wide:
        common.update(ClusterRole=1, ClusterRoleBinding=1)
    assert {k: len(v) for k, v in kinds.items()} == common

    # Exactly the permissions of operator/README.md, as test_client_auth.py runs them; only the
    # Lease rules are narrowed to the one Lease by name.
    readme, _ = server_dry_run(k8s, README_RBAC.format(ns=namespace))
    wanted = rules_of(by_kind(readme)["Role"][0])
    role = kinds["Role"][0]
    assert role["metadata"]["namespace"] == namespace
    if cluster_wide:
        granted = rules_of(kinds["ClusterRole"][0])
        assert {r for r in rules_of(role) if not is_lease_rule(r)} == set()
        assert kinds["ClusterRoleBinding"][0]["subjects"] == [
            {"kind": "ServiceAccount", "name": "sluice-operator", "namespace": namespace}]
    else:
        granted = {r for r in rules_of(role) if not is_lease_rule(r)}
    assert granted == {r for r in wanted if not is_lease_rule(r)}
    lease_rules = {r for r in rules_of(role) if is_lease_rule(r)}
    assert lease_rules == {(("coordination.k8s.io",), ("leases",), ("create",), ()),
                           (("coordination.k8s.io",), ("leases",), ("get", "update"),
                            ("sluice-operator",))}

    deployment = kinds["Deployment"][0]
    c = container_of(deployment)
    args = c["args"]
    if cluster_wide:
        assert not any(a.startswith("--namespace") for a in args), args
    else:
        assert f"--namespace={namespace}" in args, args
    assert "--leader-election=on" in args and f"--lease-namespace={namespace}" in args, args
    assert {"--metrics-port=8080", "--health-port=8081", "--log-level=info"} <= set(args)
    assert c["securityContext"] == {"allowPrivilegeEscalation": False,
                                    "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                                    "capabilities": {"drop": ["ALL"]}}
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == 65532
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["serviceAccountName"] == "sluice-operator"
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health",
                                             "scheme": "HTTP"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health",
                                              "scheme": "HTTP"}
    assert {p["name"]: p["containerPort"] for p in c["ports"]} == {"metrics": 8080,
                                                                   "health": 8081}

    # Monitoring: job labels from app.kubernetes.io/name (sluice-operator, sluice-broker).
    service = kinds["Service"][0]
    assert service["metadata"]["labels"]["app.kubernetes.io/name"] == "sluice-operator"
    sm = kinds["ServiceMonitor"][0]["spec"]
    assert sm["jobLabel"] == "app.kubernetes.io/name"
    assert sm["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert sm["endpoints"][0]["port"] == "metrics"
    pm = kinds["PodMonitor"][0]["spec"]
    assert pm["jobLabel"] == "app.kubernetes.io/name"
    assert pm["selector"]["matchLabels"] == {"app.kubernetes.io/name": "sluice-broker",
                                             "app.kubernetes.io/component": "broker"}
    assert pm["podMetricsEndpoints"][0]["port"] == "http"
    assert pm["namespaceSelector"] == ({"any": True} if cluster_wide
                                       else {"matchNames": [namespace]})
    # The rules file arrives whole: every alert and recording rule, in order.
    rules_file = (CHART / "files" / "prometheus-rules.yaml").read_text()
    names = re.findall(r"^\s*-?\s*(?:alert|record):\s*(\S+)", rules_file, re.M)
    groups = kinds["PrometheusRule"][0]["spec"]["groups"]
    assert names and [r.get("alert", r.get("record")) for g in groups for r in g["rules"]] == names
    dashboard = kinds["ConfigMap"][0]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(dashboard["data"]["sluice.json"])  # the JSON survives the embedding


def test_helm_install_in_a_restricted_namespace_runs_the_operator_as_its_service_account(
        helm, k8s, crds, namespace, operator_factory, tmp_path):
    k8s.kubectl("label", "namespace", namespace, *RESTRICTED)
    helm.run("install", "sluice", str(CHART), "--namespace", namespace, "--wait",
             "--timeout", "120s", kubeconfig=k8s.kubeconfig, timeout=180)

    # The chart's pod was admitted under the restricted level and runs (on a kwok node).
    def operator_pod():
        pods = k8s.get_json("-n", namespace, "pods", "-l", OPERATOR_LABELS)["items"]
        return pods if len(pods) == 1 and pods[0]["status"].get("phase") == "Running" else None
    pod = wait_until(operator_pod, 60, "the operator pod Running")[0]
    assert pod["spec"]["nodeName"].startswith("sluice-node-")
    assert condition(pod, "Ready").get("status") == "True"
    deployment = k8s.get_json("-n", namespace, "deployment/sluice-operator")

    # The operator binary on this host, as the chart's ServiceAccount, with the chart's args.
    # Only the HTTP endpoints move to free loopback ports; the topic reconciler dials a closed
    # loopback port instead of the bootstrap Service (there is no broker in this test).
    chart_args = container_of(deployment)["args"]
    assert all(re.fullmatch(r"--[a-z-]+=\S+", a) for a in chart_args), chart_args
    local_args = [a for a in chart_args
                  if a.split("=")[0] not in ("--metrics-port", "--health-port", "--http-host")]
    token = k8s.kubectl("-n", namespace, "create", "token", "sluice-operator",
                        "--duration=1h").stdout.strip()
    kubeconfig = tmp_path / "sa.kubeconfig"
    token_kubeconfig(kubeconfig, server_of(k8s), (k8s.workdir / "pki" / "ca.crt").read_bytes(),
                     token)
    address_map = f"demo-bootstrap.{namespace}.svc:9092=127.0.0.1:{free_closed_port()}"
    op = operator_factory(*local_args, "--kubeconfig", str(kubeconfig),
                          "--broker-address-map", address_map)
    wait_until(lambda: k8s.kubectl("-n", namespace, "get", "lease", "sluice-operator", "-o",
                                   "jsonpath={.spec.holderIdentity}",
                                   check=False).stdout.strip(),
               30, "the operator to hold the chart's Lease")

    # The samples: a cluster on static volumes (made Available again if an earlier test
    # released them), else an ephemeral copy; and its topics.
    subprocess.run([str(SCRIPTS / "cluster.sh"), "recycle-pvs", k8s.name], capture_output=True,
                   timeout=120, check=True)
    pvs = k8s.get_json("pv")["items"]
    free = [p for p in pvs if p["spec"].get("storageClassName") == "sluice-static"
            and p["status"].get("phase") == "Available"]
    sample = (SAMPLES / "sluicecluster.yaml").read_text()
    if len(free) < 3:
        sample = re.sub(r"storage:\n(    .*\n)+", "storage: {type: ephemeral, size: 1Gi}\n",
                        sample)
    k8s.kubectl("-n", namespace, "apply", "-f", "-", input=sample)
    k8s.kubectl("-n", namespace, "apply", "-f", str(SAMPLES / "sluicetopics.yaml"))

    c = wait_ready(k8s, namespace, "demo", 3, timeout=120)
    for ref in ("statefulset/demo", "service/demo-brokers", "service/demo-bootstrap",
                "configmap/demo-config", "poddisruptionbudget/demo", "serviceaccount/demo-broker"):
        obj = k8s.get_json("-n", namespace, ref)
        assert [o["uid"] for o in obj["metadata"]["ownerReferences"]] == [c["metadata"]["uid"]]
    # The broker pods were admitted under the restricted level too.
    brokers = k8s.get_json("-n", namespace, "pods", "-l", "sluice.dev/cluster=demo")["items"]
    assert sorted(p["metadata"]["name"] for p in brokers) == ["demo-0", "demo-1", "demo-2"]
    assert all(p["status"]["phase"] == "Running" for p in brokers)
    events = k8s.get_json("-n", namespace, "events")["items"]
    assert not [e for e in events if e["reason"] == "FailedCreate"], events

    # Topics: the finalizer (update on sluicetopics) and status (patch on sluicetopics/status),
    # Ready=False because no broker answers.
    def topics_reported():
        items = k8s.get_json("-n", namespace, "sluicetopics")["items"]
        done = [t for t in items if "sluice.dev/topic-protection" in
                t["metadata"].get("finalizers", []) and condition(t, "Ready")]
        return items if len(done) == 3 else None
    topics = wait_until(topics_reported, 60, "the three sample topics to get a status")
    assert {(condition(t, "Ready")["status"], condition(t, "Ready")["reason"])
            for t in topics} == {("False", "ClusterUnreachable")}, topics
    _, metrics = op.http(op.metrics_port, "/metrics")
    assert 'sluice_operator_reconcile_errors_total{controller="sluicecluster"} 0' in metrics, \
        [m for m in metrics.splitlines() if m.startswith("sluice_operator_reconcile_errors")]

    log = op.log()
    assert "forbidden" not in log.lower() and "PERMISSION_DENIED" not in log, log[-3000:]
    # Deleting the cluster, then its topics: the finalizers go at once (the cluster is gone).
    k8s.kubectl("-n", namespace, "delete", "sluicecluster", "demo", "--wait=true",
                timeout=120)
    k8s.kubectl("-n", namespace, "delete", "sluicetopics", "--all", "--wait=true", timeout=120)
    assert "forbidden" not in op.log().lower()
    assert op.stop() == 0

    # helm upgrade with a changed value rolls the Deployment; the new pod is admitted too.
    old_pod = pod["metadata"]["name"]
    helm.run("upgrade", "sluice", str(CHART), "--namespace", namespace, "--reuse-values",
             "--set", "logLevel=debug", "--wait", "--timeout", "120s",
             kubeconfig=k8s.kubeconfig, timeout=180)
    deployment = k8s.get_json("-n", namespace, "deployment/sluice-operator")
    assert "--log-level=debug" in container_of(deployment)["args"]
    wait_until(lambda: (p := operator_pod()) and p[0]["metadata"]["name"] != old_pod, 60,
               "the upgraded operator pod Running")

    # helm uninstall removes everything the chart made; the CRDs stay.
    helm.run("uninstall", "sluice", "--namespace", namespace, "--wait", "--timeout", "120s",
             kubeconfig=k8s.kubeconfig, timeout=180)
    wait_until(lambda: k8s.kubectl("-n", namespace, "get", CHART_KINDS, "-l", OPERATOR_LABELS,
                                   "-o", "name").stdout.strip() == "",
               60, "every object of the release to go")
    assert k8s.kubectl("get", "crd", "sluiceclusters.sluice.dev", "sluicetopics.sluice.dev",
                       "-o", "name").stdout.split() == [
        "customresourcedefinition.apiextensions.k8s.io/sluiceclusters.sluice.dev",
        "customresourcedefinition.apiextensions.k8s.io/sluicetopics.sluice.dev"]


def test_cluster_wide_install_reconciles_other_namespaces_and_uninstalls_cleanly(
        helm, prometheus_crds, crds, namespace, operator_factory, tmp_path):
    k8s = prometheus_crds
    k8s.kubectl("label", "namespace", namespace, *RESTRICTED)
    team = f"{namespace[:50]}-team"
    k8s.kubectl("create", "namespace", team)
    try:
        k8s.kubectl("label", "namespace", team, *RESTRICTED)
        helm.run("install", "sluice", str(CHART), "--namespace", namespace, "--wait",
                 "--timeout", "120s", "--set", "rbac.clusterWide=true", *MONITORING_ON,
                 kubeconfig=k8s.kubeconfig, timeout=180)
        deployment = k8s.get_json("-n", namespace, "deployment/sluice-operator")
        chart_args = container_of(deployment)["args"]
        assert not any(a.startswith("--namespace") for a in chart_args), chart_args
        local_args = [a for a in chart_args
                      if a.split("=")[0] not in ("--metrics-port", "--health-port")]
        token = k8s.kubectl("-n", namespace, "create", "token", "sluice-operator",
                            "--duration=1h").stdout.strip()
        kubeconfig = tmp_path / "sa.kubeconfig"
        token_kubeconfig(kubeconfig, server_of(k8s),
                         (k8s.workdir / "pki" / "ca.crt").read_bytes(), token)
        op = operator_factory(*local_args, "--kubeconfig", str(kubeconfig))
        # A cluster in another namespace is reconciled; the Lease is in the release namespace.
        make_cluster(k8s, team, "wide", brokers=1)
        wait_ready(k8s, team, "wide", 1)
        assert k8s.get_json("-n", namespace, "lease/sluice-operator")["spec"]["holderIdentity"]
        assert "forbidden" not in op.log().lower(), op.log()[-3000:]
        k8s.kubectl("-n", team, "delete", "sluicecluster", "wide", "--wait=true", timeout=120)
        assert op.stop() == 0

        helm.run("uninstall", "sluice", "--namespace", namespace, "--wait", "--timeout", "120s",
                 kubeconfig=k8s.kubeconfig, timeout=180)
        wait_until(lambda: k8s.kubectl("-n", namespace, "get",
                                       f"{CHART_KINDS},{MONITORING_KINDS}", "-l",
                                       "app.kubernetes.io/instance=sluice", "-o",
                                       "name").stdout.strip() == "",
                   60, "every namespaced object of the release to go")
        assert k8s.kubectl("get", CLUSTER_KINDS, "-l", OPERATOR_LABELS, "-o",
                           "name").stdout.strip() == ""
        assert k8s.kubectl("get", "crd", "sluiceclusters.sluice.dev",
                           check=False).returncode == 0
    finally:
        k8s.kubectl("delete", "namespace", team, "--wait=false", check=False)


def test_plain_manifests_install_the_operator_with_kubectl_apply(prometheus_crds, crds):
    """manifests/install/ and manifests/monitoring/ as a user without Helm applies them: in
    file order, into the namespace sluice-system they create; the operator pod is admitted
    under the restricted level. Deleted again afterwards, except the CRDs (the suite uses them)."""
    k8s = prometheus_crds
    install, monitoring = REPO / "manifests" / "install", REPO / "manifests" / "monitoring"
    try:
        k8s.kubectl("apply", "-f", str(install), "-f", str(monitoring), timeout=120)
        ns = k8s.get_json("namespace/sluice-system")
        assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        k8s.kubectl("-n", "sluice-system", "rollout", "status", "deployment/sluice-operator",
                    "--timeout=90s", timeout=120)
        pods = k8s.get_json("-n", "sluice-system", "pods", "-l", OPERATOR_LABELS)["items"]
        assert [p["status"]["phase"] for p in pods] == ["Running"]
        for ref in ("servicemonitor/sluice-operator", "podmonitor/sluice-brokers",
                    "prometheusrule/sluice", "configmap/sluice-dashboard", "role/sluice-operator",
                    "rolebinding/sluice-operator", "service/sluice-operator-metrics"):
            k8s.kubectl("-n", "sluice-system", "get", ref)
    finally:
        k8s.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", str(monitoring),
                    "-f", str(install / "02-rbac.yaml"), "-f", str(install / "03-operator.yaml"),
                    "-f", str(install / "00-namespace.yaml"), check=False, timeout=120)
