"""The CRDs in manifests/crds as the API server enforces them: they install and become
Established, the samples apply, defaults are filled in, CEL and schema rules refuse invalid
objects with our messages, the scale subresource works, and manifests/samples round-trip
through the operator's C++ types (operator/api) as the API server stored them."""

from __future__ import annotations

import json
import subprocess

import pytest

from k8s_harness import Cluster
from operator_harness import SAMPLES, built_binary


def crd(k8s: Cluster, name: str) -> dict:
    return k8s.get_json(f"crd/{name}")


def refused(k8s: Cluster, namespace: str, manifest: str) -> str:
    proc = k8s.kubectl("-n", namespace, "apply", "-f", "-", input=manifest, check=False)
    assert proc.returncode != 0, f"accepted:\n{manifest}"
    return proc.stderr


def test_crds_are_established_with_printer_columns_and_short_names(crds: Cluster):
    for name, short in (("sluiceclusters.sluice.dev", "scluster"),
                        ("sluicetopics.sluice.dev", "stopic")):
        obj = crd(crds, name)
        conds = {c["type"]: c["status"] for c in obj["status"]["conditions"]}
        assert conds.get("Established") == "True", conds
        assert conds.get("NamesAccepted") == "True", conds
        assert short in obj["spec"]["names"]["shortNames"]
        version = obj["spec"]["versions"][0]
        assert version["name"] == "v1alpha1" and "status" in version["subresources"]
        assert version["additionalPrinterColumns"]
    scale = crd(crds, "sluiceclusters.sluice.dev")["spec"]["versions"][0]["subresources"]["scale"]
    assert scale == {"specReplicasPath": ".spec.brokers", "statusReplicasPath": ".status.brokers",
                     "labelSelectorPath": ".status.selector"}


def test_samples_apply_and_get_defaults(crds: Cluster, namespace: str):
    crds.kubectl("-n", namespace, "apply", "-f", str(SAMPLES))
    cluster = crds.get_json("-n", namespace, "sluicecluster/demo")
    assert cluster["spec"]["brokers"] == 3
    assert cluster["spec"]["imagePullPolicy"] == "IfNotPresent"  # a CRD default
    topic = crds.get_json("-n", namespace, "sluicetopic/clickstream")
    assert topic["spec"]["partitions"] == 1 and topic["spec"]["replicationFactor"] == 1
    assert topic["spec"]["deletionPolicy"] == "Retain" and topic["spec"]["driftPolicy"] == "Correct"
    out = crds.kubectl("-n", namespace, "get", "stopic").stdout
    assert "PARTITIONS" in out and "orders" in out, out
    out = crds.kubectl("-n", namespace, "get", "scluster").stdout
    assert "BROKERS" in out and "demo" in out, out


def test_samples_round_trip_through_the_cpp_types(crds: Cluster, namespace: str):
    crds.kubectl("-n", namespace, "apply", "-f", str(SAMPLES))
    tool = built_binary("SLUICE_OPERATOR_API_ROUNDTRIP_BIN",
                        "tests/operator/api/sluice-operator-api-roundtrip")
    for kind in ("sluiceclusters", "sluicetopics"):
        stored = crds.get_json("-n", namespace, kind)
        proc = subprocess.run([str(tool)], input=json.dumps(stored), capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        back = [json.loads(line) for line in proc.stdout.splitlines()]
        assert len(back) == len(stored["items"]) > 0
        by_name = {item["metadata"]["name"]: item["spec"] for item in stored["items"]}
        for item in back:
            # What the C++ types read and write again is exactly what the API server holds.
            assert item["spec"] == by_name[item["name"]], item["name"]


def test_partitions_may_only_grow(crds: Cluster, namespace: str):
    crds.kubectl("-n", namespace, "apply", "-f", str(SAMPLES / "sluicetopics.yaml"))
    crds.kubectl("-n", namespace, "patch", "stopic", "orders", "--type=merge",
                 "-p", '{"spec":{"partitions":12}}')
    proc = crds.kubectl("-n", namespace, "patch", "stopic", "orders", "--type=merge",
                        "-p", '{"spec":{"partitions":3}}', check=False)
    assert proc.returncode != 0 and "partitions may only grow" in proc.stderr, proc.stderr
    proc = crds.kubectl("-n", namespace, "patch", "stopic", "orders", "--type=merge",
                        "-p", '{"spec":{"replicationFactor":1}}', check=False)
    assert proc.returncode != 0 and "replicationFactor is immutable" in proc.stderr, proc.stderr


@pytest.mark.parametrize("spec,message", [
    ("brokers: 0", "brokers must be at least 1"),
    ("brokers: 100", "brokers must be at most 64"),
    ("config: {node.id: '1'}", "are set by the operator"),
    ("listeners: {kafkaPort: 9092, httpPort: 9092}", "kafkaPort and httpPort must differ"),
    ("storage: {type: nfs}", 'supported values: "persistent", "ephemeral"'),
])
def test_invalid_clusters_are_refused_with_the_rule_message(crds: Cluster, namespace: str,
                                                            spec: str, message: str):
    err = refused(crds, namespace, "apiVersion: sluice.dev/v1alpha1\nkind: SluiceCluster\n"
                  f"metadata: {{name: bad}}\nspec:\n  {spec}\n")
    assert message in err, err


def test_invalid_topics_are_refused(crds: Cluster, namespace: str):
    head = "apiVersion: sluice.dev/v1alpha1\nkind: SluiceTopic\nmetadata: {name: bad}\nspec:\n"
    err = refused(crds, namespace, head + "  clusterRef: {name: demo}\n  deletionPolicy: Nope\n")
    assert 'supported values: "Retain", "Delete"' in err, err
    err = refused(crds, namespace, head + "  clusterRef: {name: demo}\n  partitions: 0\n")
    assert "partitions must be at least 1" in err, err
    err = refused(crds, namespace, head + "  partitions: 3\n")
    assert "clusterRef: Required value" in err, err


def test_storage_is_immutable(crds: Cluster, namespace: str):
    crds.kubectl("-n", namespace, "apply", "-f", str(SAMPLES / "sluicecluster.yaml"))
    proc = crds.kubectl("-n", namespace, "patch", "scluster", "demo", "--type=merge",
                        "-p", '{"spec":{"storage":{"size":"5Gi"}}}', check=False)
    assert proc.returncode != 0 and "storage.size is immutable" in proc.stderr, proc.stderr


def test_kubectl_scale_sets_brokers(crds: Cluster, namespace: str):
    crds.kubectl("-n", namespace, "apply", "-f", str(SAMPLES / "sluicecluster.yaml"))
    crds.kubectl("-n", namespace, "scale", "sluicecluster/demo", "--replicas=5")
    assert crds.get_json("-n", namespace, "sluicecluster/demo")["spec"]["brokers"] == 5
    proc = crds.kubectl("-n", namespace, "scale", "sluicecluster/demo", "--replicas=0",
                        check=False)
    assert proc.returncode != 0 and "brokers must be at least 1" in proc.stderr, proc.stderr
