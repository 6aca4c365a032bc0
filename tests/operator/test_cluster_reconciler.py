"""sluice-operator reconciling SluiceClusters on the real control plane: the objects it makes
(with owner references), broker pods Ready on kwok nodes, status that follows the StatefulSet,
scaling, rolling on config change, garbage collection, restarts, watch renewal, the HTTP
endpoints and a clean SIGTERM. Pods are fake (kwok): nothing dials them."""

from __future__ import annotations

import subprocess
import time

from k8s_harness import Cluster, wait_until
from operator_harness import cluster, condition, make_cluster, wait_ready

OWNED = ["statefulset/{n}", "service/{n}-brokers", "service/{n}-bootstrap", "configmap/{n}-config",
         "poddisruptionbudget/{n}", "serviceaccount/{n}-broker"]


def test_cluster_objects_are_created_owned_and_become_ready(k8s, namespace, operator_factory):
    op = operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "alpha")
    c = wait_ready(k8s, namespace, "alpha", 3)
    uid = c["metadata"]["uid"]
    for ref in OWNED:
        obj = k8s.get_json("-n", namespace, ref.format(n="alpha"), "--show-managed-fields")
        owners = obj["metadata"].get("ownerReferences", [])
        assert [(o["kind"], o["name"], o["uid"], o.get("controller")) for o in owners] == \
            [("SluiceCluster", "alpha", uid, True)], (ref, owners)
        managers = {m["manager"] for m in obj["metadata"]["managedFields"]}
        assert "sluice-operator" in managers, (ref, managers)
    pods = k8s.get_json("-n", namespace, "pods", "-l", "sluice.dev/cluster=alpha")["items"]
    assert sorted(p["metadata"]["name"] for p in pods) == ["alpha-0", "alpha-1", "alpha-2"]
    assert all(p["spec"]["nodeName"].startswith("sluice-node-") for p in pods)
    zones = {p["spec"]["nodeName"] for p in pods}
    assert len(zones) == 3, zones  # spread over the three zones (one node each)
    status = c["status"]
    assert [b["state"] for b in status["brokerStatuses"]] == ["Ready"] * 3
    assert condition(c, "Progressing")["status"] == "False"
    assert condition(c, "Degraded")["status"] == "False"
    # A Ready event for kubectl describe.
    events = k8s.get_json("-n", namespace, "events")["items"]
    assert any(e["reason"] == "ClusterReady" and e["involvedObject"]["name"] == "alpha"
               for e in events), [e["reason"] for e in events]
    # The printer columns show the status.
    out = k8s.kubectl("-n", namespace, "get", "scluster", "alpha").stdout
    assert "AllBrokersReady" in out, out
    # Metrics and health.
    assert op.http(op.health_port, "/healthz")[0] == 200
    assert op.http(op.health_port, "/readyz")[0] == 200
    assert op.metric_sum("sluice_operator_reconcile_total") >= 1
    assert op.metric_sum("sluice_operator_reconcile_errors_total") == 0
    assert op.stop() == 0
    assert "exiting with 0" in op.log()


def test_pod_security_restricted_admits_the_brokers(k8s, namespace, operator_factory):
    k8s.kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted")
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "strict", brokers=1)
    wait_ready(k8s, namespace, "strict", 1)
    sts = k8s.get_json("-n", namespace, "statefulset/strict")
    assert sts["status"].get("readyReplicas") == 1, sts["status"]


def test_scale_changes_the_statefulset_and_status_follows(k8s, namespace, operator_factory):
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "beta", brokers=2)
    wait_ready(k8s, namespace, "beta", 2)
    k8s.kubectl("-n", namespace, "scale", "sluicecluster/beta", "--replicas=4")
    c = wait_ready(k8s, namespace, "beta", 4)
    assert k8s.get_json("-n", namespace, "statefulset/beta")["spec"]["replicas"] == 4
    assert c["status"]["brokers"] == 4
    assert len(c["status"]["brokerStatuses"]) == 4
    k8s.kubectl("-n", namespace, "scale", "sluicecluster/beta", "--replicas=1")
    c = wait_ready(k8s, namespace, "beta", 1)
    assert k8s.get_json("-n", namespace, "statefulset/beta")["spec"]["replicas"] == 1
    assert [b["pod"] for b in c["status"]["brokerStatuses"]] == ["beta-0"]


def test_config_change_rolls_the_pods(k8s, namespace, operator_factory):
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "gamma", extra="  config: {num.partitions: '3'}\n")
    before = wait_ready(k8s, namespace, "gamma", 3)
    sts = k8s.get_json("-n", namespace, "statefulset/gamma")
    old_hash = sts["spec"]["template"]["metadata"]["annotations"]["sluice.dev/config-hash"]
    old_revision = sts["status"]["updateRevision"]
    assert before["status"]["configHash"] == old_hash
    k8s.kubectl("-n", namespace, "patch", "scluster", "gamma", "--type=merge",
                "-p", '{"spec":{"config":{"num.partitions":"6"}}}')
    after = wait_ready(k8s, namespace, "gamma", 3)
    sts = k8s.get_json("-n", namespace, "statefulset/gamma")
    new_hash = sts["spec"]["template"]["metadata"]["annotations"]["sluice.dev/config-hash"]
    assert new_hash != old_hash and after["status"]["configHash"] == new_hash
    assert sts["status"]["updateRevision"] != old_revision
    assert sts["spec"]["updateStrategy"]["type"] == "RollingUpdate"
    cm = k8s.get_json("-n", namespace, "configmap/gamma-config")
    assert "num.partitions=6" in cm["data"]["server.properties"]
    pods = k8s.get_json("-n", namespace, "pods", "-l", "sluice.dev/cluster=gamma")["items"]
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in pods} == \
        {sts["status"]["updateRevision"]}
    assert all(b["updated"] for b in after["status"]["brokerStatuses"])


def test_persistent_storage_claims_bind_and_survive_the_cluster(k8s, namespace, operator_factory):
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "delta", brokers=2, storage="persistent")
    wait_ready(k8s, namespace, "delta", 2, timeout=90)
    claims = k8s.get_json("-n", namespace, "pvc")["items"]
    assert sorted(c["metadata"]["name"] for c in claims) == ["data-delta-0", "data-delta-1"]
    assert all(c["status"]["phase"] == "Bound" for c in claims)
    assert all(c["spec"]["storageClassName"] == "sluice-static" for c in claims)
    assert all(not c["metadata"].get("ownerReferences") for c in claims)
    k8s.kubectl("-n", namespace, "delete", "sluicecluster/delta", "--wait=true", "--timeout=60s")
    wait_until(lambda: k8s.kubectl("-n", namespace, "get", "statefulset/delta",
                                   check=False).returncode != 0, 60, "the StatefulSet to be GCed")
    assert len(k8s.get_json("-n", namespace, "pvc")["items"]) == 2  # data is kept


def test_deleting_the_cluster_garbage_collects_its_objects(k8s, namespace, operator_factory):
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "eps", brokers=1)
    wait_ready(k8s, namespace, "eps", 1)
    k8s.kubectl("-n", namespace, "delete", "sluicecluster/eps", "--timeout=60s")

    def gone():
        left = [ref for ref in OWNED
                if k8s.kubectl("-n", namespace, "get", ref.format(n="eps"),
                               check=False).returncode == 0]
        return not left
    wait_until(gone, 60, "the controller-manager's GC to delete every owned object")
    wait_until(lambda: not k8s.get_json("-n", namespace, "pods")["items"], 60, "pods to go")


def test_operator_killed_midway_converges_after_restart(k8s, namespace, operator_factory):
    op = operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "zeta", brokers=2)
    wait_until(lambda: k8s.kubectl("-n", namespace, "get", "statefulset/zeta",
                                   check=False).returncode == 0, 30, "the StatefulSet")
    op.kill()  # SIGKILL: whatever was in flight is lost
    # Changes while no operator runs.
    k8s.kubectl("-n", namespace, "scale", "sluicecluster/zeta", "--replicas=3")
    k8s.kubectl("-n", namespace, "patch", "scluster", "zeta", "--type=merge",
                "-p", '{"spec":{"config":{"log.segment.bytes":"1048576"}}}')
    k8s.kubectl("-n", namespace, "delete", "service/zeta-bootstrap")
    operator_factory("--namespace", namespace, "--leader-election", "off")
    c = wait_ready(k8s, namespace, "zeta", 3)
    assert k8s.get_json("-n", namespace, "service/zeta-bootstrap")["spec"]["ports"][0]["port"] == 9092
    cm = k8s.get_json("-n", namespace, "configmap/zeta-config")
    assert "log.segment.bytes=1048576" in cm["data"]["server.properties"]
    assert all(b["updated"] for b in c["status"]["brokerStatuses"])


def test_expiring_watches_are_renewed_without_missing_updates(k8s, namespace, operator_factory):
    op = operator_factory("--namespace", namespace, "--leader-election", "off",
                          "--watch-timeout-seconds", "1", "--log-level", "debug")
    make_cluster(k8s, namespace, "eta", brokers=1)
    wait_ready(k8s, namespace, "eta", 1)
    time.sleep(4)  # several watches end (timeoutSeconds=1) and are renewed meanwhile
    for replicas in (2, 3):
        k8s.kubectl("-n", namespace, "scale", "sluicecluster/eta", f"--replicas={replicas}")
        wait_ready(k8s, namespace, "eta", replicas, timeout=30)
        time.sleep(1.5)
    # Someone else edits an owned object: the StatefulSet watch brings the operator back.
    k8s.kubectl("-n", namespace, "scale", "statefulset/eta", "--replicas=1")
    wait_until(lambda: k8s.get_json("-n", namespace, "statefulset/eta")["spec"]["replicas"] == 3,
               30, "the operator to restore replicas=3")
    assert op.metric_sum("sluice_operator_reconcile_errors_total") == 0
    # One list per informer (SluiceClusters, StatefulSets, SluiceTopics), no relist.
    assert op.log().count("listed at resourceVersion") == 3


def test_refused_apply_is_reported_and_retried_until_it_succeeds(k8s, namespace,
                                                                  operator_factory):
    # A quota of zero PodDisruptionBudgets: the API server refuses that one object.
    k8s.apply(f"""apiVersion: v1
kind: ResourceQuota
metadata: {{name: no-pdbs, namespace: {namespace}}}
spec:
  hard: {{count/poddisruptionbudgets.policy: "0"}}
""")
    op = operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "theta", brokers=1)

    def degraded():
        c = cluster(k8s, namespace, "theta")
        d = condition(c, "Degraded")
        return c if d.get("status") == "True" else None
    c = wait_until(degraded, 30, "Degraded=True", interval=0.5)
    d = condition(c, "Degraded")
    assert d["reason"] == "ApplyFailed", d
    assert "PodDisruptionBudget theta" in d["message"] and "quota" in d["message"], d
    assert condition(c, "Ready")["status"] == "False"
    events = k8s.get_json("-n", namespace, "events")["items"]
    assert any(e["reason"] == "ApplyFailed" and e["type"] == "Warning" for e in events)
    assert op.metric_sum("sluice_operator_reconcile_errors_total") >= 1
    k8s.kubectl("-n", namespace, "delete", "resourcequota", "no-pdbs")
    c = wait_ready(k8s, namespace, "theta", 1, timeout=60)
    assert condition(c, "Degraded")["status"] == "False"
    assert k8s.get_json("-n", namespace, "poddisruptionbudget/theta")["spec"]["maxUnavailable"] == 1


def test_rolling_update_replaces_one_broker_at_a_time(k8s, namespace, operator_factory):
    operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "iota", brokers=3)
    wait_ready(k8s, namespace, "iota", 3)
    # Every pod event of the rollout, in the API server's order.
    template = ('{.type} {.object.metadata.name} {.object.metadata.uid} '
                '{.object.metadata.deletionTimestamp} '
                '{.object.status.conditions[?(@.type=="Ready")].status}{"\\n"}')
    watcher = subprocess.Popen(
        [str(k8s.kubectl_bin), "--kubeconfig", str(k8s.kubeconfig), "-n", namespace, "get",
         "pods", "-l", "sluice.dev/cluster=iota", "--watch", "--output-watch-events",
         "-o", f"jsonpath={template}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        k8s.kubectl("-n", namespace, "patch", "scluster", "iota", "--type=merge",
                    "-p", '{"spec":{"image":"sluice/sluice-broker:0.1.1"}}')
        c = wait_ready(k8s, namespace, "iota", 3)
        wait_until(lambda: all(b["updated"] for b in cluster(k8s, namespace, "iota")["status"]
                               ["brokerStatuses"]), 60, "every broker on the new template")
        time.sleep(1.5)
    finally:
        watcher.terminate()
        out, _ = watcher.communicate(timeout=10)
    available: dict[str, bool] = {}
    lowest, replaced, listed = 3, set(), False
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name, uid = parts[0], parts[1], parts[2]
        rest = parts[3:]
        terminating = any(p.endswith("Z") for p in rest)
        ready = "True" in rest
        if kind == "DELETED" or terminating:
            replaced.add(name)
        available[name] = kind != "DELETED" and ready and not terminating
        if len(available) == 3:
            listed = True
        if listed:
            lowest = min(lowest, sum(available.values()))
    assert replaced == {"iota-0", "iota-1", "iota-2"}, out
    # Never more than one broker down: each waited for the previous one to be Ready again.
    assert lowest == 2, out
    assert c["status"]["readyBrokers"] == 3
