"""SluiceTopic reconciler end to end: a real control plane, sluice-operator as a host process,
and a real sluice-broker on 127.0.0.1 reached through --broker-address-map.

Each test starts its own broker (free loopback ports, a temporary data dir) and an operator
that maps the SluiceCluster's bootstrap Service name (demo-bootstrap.<ns>.svc:9092) and its
broker pod name to that broker. The broker advertises 127.0.0.1:<port> so that the Kafka
tools and kcat of the test reach it too, except in the test that proves the mapping of an
advertised pod name. Broker state is checked with Kafka's own tools and kcat, never through the
operator. --topic-resync-seconds 2 makes drift detection quick. Every wait is bounded."""

from __future__ import annotations

import json
import re
import time

import pytest

from k8s_harness import Cluster, wait_until
from operator_harness import (bootstrap_address, broker_pod_address, condition,
                              integration_harness, make_cluster, start_broker)

CLUSTER = "demo"


@pytest.fixture
def broker(tmp_path):
    b = start_broker(tmp_path / "broker")
    yield b
    b.close()


def start_operator(operator_factory, ns: str, port: int, *extra: str):
    mapping = ",".join([f"{bootstrap_address(ns, CLUSTER)}=127.0.0.1:{port}",
                        f"{broker_pod_address(ns, CLUSTER)}=127.0.0.1:{port}"])
    return operator_factory("--namespace", ns, "--leader-election", "off",
                            "--topic-resync-seconds", "2", "--broker-address-map", mapping,
                            *extra)


def apply_topic(k8s: Cluster, ns: str, name: str, partitions: int, config: dict | None = None,
                deletion: str = "Retain", drift: str = "Correct", extra: str = "") -> None:
    config_yaml = json.dumps({k: str(v) for k, v in (config or {}).items()})
    k8s.apply(f"""apiVersion: sluice.dev/v1alpha1
kind: SluiceTopic
metadata: {{name: {name}, namespace: {ns}}}
spec:
  clusterRef: {{name: {CLUSTER}}}
  partitions: {partitions}
  replicationFactor: 1
  config: {config_yaml}
  deletionPolicy: {deletion}
  driftPolicy: {drift}
{extra}""")


def topic(k8s: Cluster, ns: str, name: str) -> dict:
    return k8s.get_json("-n", ns, f"sluicetopic/{name}")


def wait_status(k8s: Cluster, ns: str, name: str, what: str, predicate, timeout: float = 60):
    def check():
        t = topic(k8s, ns, name)
        return t if predicate(t) else None
    return wait_until(check, timeout, f"{ns}/{name}: {what}", interval=0.5)


def ready(t: dict, reason: str = "Synced") -> bool:
    c = condition(t, "Ready")
    return (c.get("reason") == reason and c.get("observedGeneration") == t["metadata"]["generation"]
            and t.get("status", {}).get("observedGeneration") == t["metadata"]["generation"])


def partitions_on_broker(broker, name: str) -> int | None:
    """Partition count from Metadata on the bootstrap connection (kcat -L), None if absent.
    All topics are listed: asking for one by name could auto-create it."""
    h = integration_harness()
    out = h.kcat(broker.bootstrap, "-L", "-J", check=False).stdout.decode()
    try:
        meta = json.loads(out)
    except json.JSONDecodeError:
        return None
    for t in meta.get("topics", []):
        if t.get("topic") == name and not t.get("err"):
            return len(t.get("partitions", []))
    return None


def topic_names(broker) -> set[str]:
    out = integration_harness().kafka_tool("topics", "--bootstrap-server", broker.bootstrap,
                                           "--list").stdout.decode()
    return {line.strip() for line in out.splitlines() if line.strip()}


def topic_configs(broker, name: str) -> dict[str, str]:
    """Configs set on the topic itself, as kafka-configs --describe shows them."""
    out = integration_harness().kafka_tool(
        "configs", "--bootstrap-server", broker.bootstrap, "--entity-type", "topics",
        "--entity-name", name, "--describe").stdout.decode()
    return dict(re.findall(r"^\s+([a-z0-9.]+)=(\S*) sensitive=", out, re.M))


def alter_config(broker, name: str, setting: str) -> None:
    integration_harness().kafka_tool(
        "configs", "--bootstrap-server", broker.bootstrap, "--entity-type", "topics",
        "--entity-name", name, "--alter", "--add-config", setting)


def topic_reconciles(op) -> float:
    _, text = op.http(op.metrics_port, "/metrics")
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("sluice_operator_reconcile_total{")
               and 'controller="sluicetopic"' in line)


def events(k8s: Cluster, ns: str, name: str) -> list[dict]:
    items = k8s.get_json("-n", ns, "events", "--field-selector",
                         f"involvedObject.name={name}")["items"]
    return items


def test_topic_lifecycle_create_grow_config_drift_delete_and_a_client(k8s, namespace,
                                                                       operator_factory, broker,
                                                                       tmp_path):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    op = start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "orders", 2, {"retention.ms": 3600000}, deletion="Delete")

    t = wait_status(k8s, ns, "orders", "Ready/Synced with 2 partitions",
                    lambda t: ready(t) and t["status"].get("partitions") == 2)
    assert "sluice.dev/topic-protection" in t["metadata"]["finalizers"]
    assert t["status"]["topicName"] == "orders"
    assert t["status"]["topicId"]
    assert t["status"]["replicationFactor"] == 1
    assert t["status"]["config"] == {"retention.ms": "3600000"}
    assert condition(t, "Drifted")["status"] == "False"
    assert partitions_on_broker(broker, "orders") == 2
    assert topic_configs(broker, "orders") == {"retention.ms": "3600000"}
    assert any(e["reason"] == "TopicCreated" for e in events(k8s, ns, "orders"))

    # A Kafka client produces to and consumes from the topic the operator made.
    h = integration_harness()
    records = [(f"k{i}".encode(), f"value-{i}".encode()) for i in range(5)]
    h.kcat_produce(broker.bootstrap, "orders", tmp_path / "kcat", records, partition=1)
    got = h.kcat_consume(broker.bootstrap, "orders", partition=1)
    assert [(r.key, r.value) for r in got] == records

    # Grow partitions and change the config in the spec.
    k8s.kubectl("-n", ns, "patch", "sluicetopic/orders", "--type=merge", "-p",
                json.dumps({"spec": {"partitions": 4, "config": {"retention.ms": "7200000"}}}))
    t = wait_status(k8s, ns, "orders", "4 partitions, retention.ms 7200000",
                    lambda t: ready(t) and t["status"].get("partitions") == 4
                    and t["status"].get("config") == {"retention.ms": "7200000"})
    assert partitions_on_broker(broker, "orders") == 4
    assert topic_configs(broker, "orders") == {"retention.ms": "7200000"}
    assert condition(t, "Drifted")["status"] == "False"  # a spec change is not drift

    # Drift made with kafka-configs is found by the periodic pass and set back.
    alter_config(broker, "orders", "retention.ms=1000")
    t = wait_status(k8s, ns, "orders", "Drifted/DriftCorrected",
                    lambda t: condition(t, "Drifted").get("reason") == "DriftCorrected")
    assert "retention.ms: 1000" in condition(t, "Drifted")["message"]
    wait_until(lambda: topic_configs(broker, "orders") == {"retention.ms": "7200000"}, 60,
               "retention.ms set back to 7200000")
    assert condition(t, "Ready")["status"] == "True"
    assert any(e["reason"] == "DriftCorrected" for e in events(k8s, ns, "orders"))

    # Partitions added with kafka-topics cannot be taken away: refused with a condition.
    h.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--alter", "--topic", "orders",
                 "--partitions", "6")
    t = wait_status(k8s, ns, "orders", "Ready/InvalidChange",
                    lambda t: condition(t, "Ready").get("reason") == "InvalidChange")
    assert "cannot reduce partitions from 6 to 4" in condition(t, "Ready")["message"]
    assert condition(t, "Drifted")["status"] == "True"
    assert t["status"]["partitions"] == 6
    # Accepting them in the spec makes it Ready again.
    k8s.kubectl("-n", ns, "patch", "sluicetopic/orders", "--type=merge", "-p",
                '{"spec": {"partitions": 6}}')
    wait_status(k8s, ns, "orders", "Ready with 6 partitions", lambda t: ready(t))

    # deletionPolicy Delete: the Kafka topic goes, then the resource.
    k8s.kubectl("-n", ns, "delete", "sluicetopic/orders", "--wait=false")
    wait_until(lambda: k8s.kubectl("-n", ns, "get", "sluicetopic/orders",
                                   check=False).returncode != 0, 60, "orders to be deleted")
    assert "orders" not in topic_names(broker)
    assert op.running()


def test_existing_topic_is_adopted_shrink_refused_and_retained(k8s, namespace, operator_factory,
                                                               broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    h = integration_harness()
    h.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--create", "--topic",
                 "legacy", "--partitions", "5", "--replication-factor", "1")
    start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "legacy", 2, {"retention.ms": 60000})

    t = wait_status(k8s, ns, "legacy", "Ready/InvalidChange",
                    lambda t: condition(t, "Ready").get("reason") == "InvalidChange")
    assert "cannot reduce partitions from 5 to 2" in condition(t, "Ready")["message"]
    assert condition(t, "Ready")["status"] == "False"
    assert t["status"]["partitions"] == 5
    # The safe part of the plan still ran on the adopted topic.
    wait_until(lambda: topic_configs(broker, "legacy") == {"retention.ms": "60000"}, 60,
               "retention.ms set on the adopted topic")
    reasons = [e["reason"] for e in events(k8s, ns, "legacy")]
    assert "TopicAdopted" in reasons and "InvalidChange" in reasons
    # The CRD itself refuses shrinking the spec.
    k8s.kubectl("-n", ns, "patch", "sluicetopic/legacy", "--type=merge", "-p",
                '{"spec": {"partitions": 7}}')
    wait_status(k8s, ns, "legacy", "Ready with 7 partitions",
                lambda t: ready(t) and t["status"].get("partitions") == 7)
    shrink = k8s.kubectl("-n", ns, "patch", "sluicetopic/legacy", "--type=merge", "-p",
                         '{"spec": {"partitions": 3}}', check=False)
    assert shrink.returncode != 0 and "partitions may only grow" in shrink.stderr
    assert partitions_on_broker(broker, "legacy") == 7

    # deletionPolicy Retain: the resource goes, the Kafka topic stays.
    k8s.kubectl("-n", ns, "delete", "sluicetopic/legacy", "--timeout=60s")
    assert "legacy" in topic_names(broker)
    assert partitions_on_broker(broker, "legacy") == 7


def test_unknown_config_is_refused_with_a_condition_without_a_hot_loop(k8s, namespace,
                                                                       operator_factory, broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    op = start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "bad", 1, {"no.such.config": "1"}, deletion="Delete")
    t = wait_status(k8s, ns, "bad", "Ready/ConfigRejected",
                    lambda t: condition(t, "Ready").get("reason") == "ConfigRejected")
    assert "INVALID_CONFIG" in condition(t, "Ready")["message"], condition(t, "Ready")
    assert "bad" not in topic_names(broker)
    assert any(e["reason"] == "ConfigRejected" and e["type"] == "Warning"
               for e in events(k8s, ns, "bad"))
    # Retried only at the resync period (2 s here), not in a tight loop.
    before = topic_reconciles(op)
    time.sleep(6)
    after = topic_reconciles(op)
    assert after - before <= 8, (before, after)
    # Fixing the spec creates the topic.
    k8s.kubectl("-n", ns, "patch", "sluicetopic/bad", "--type=json", "-p",
                '[{"op": "replace", "path": "/spec/config", "value": {"retention.ms": "5000"}}]')
    wait_status(k8s, ns, "bad", "Ready/Synced", lambda t: ready(t))
    assert topic_configs(broker, "bad") == {"retention.ms": "5000"}


def test_drift_policy_report_only_reports(k8s, namespace, operator_factory, broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "watched", 1, {"retention.ms": 600000}, drift="Report")
    wait_status(k8s, ns, "watched", "Ready/Synced", lambda t: ready(t))
    alter_config(broker, "watched", "retention.ms=1234")
    t = wait_status(k8s, ns, "watched", "Drifted/DriftReported",
                    lambda t: condition(t, "Drifted").get("reason") == "DriftReported")
    assert "retention.ms: 1234" in condition(t, "Drifted")["message"]
    assert condition(t, "Ready")["status"] == "True"
    assert t["status"]["config"] == {"retention.ms": "1234"}  # what the broker really has
    assert topic_configs(broker, "watched") == {"retention.ms": "1234"}


def test_deletion_waits_for_an_unreachable_cluster(k8s, namespace, operator_factory, broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "kept", 1, deletion="Delete")
    wait_status(k8s, ns, "kept", "Ready/Synced", lambda t: ready(t))
    broker.stop()
    k8s.kubectl("-n", ns, "delete", "sluicetopic/kept", "--wait=false")
    t = wait_status(k8s, ns, "kept", "Ready/DeleteFailed",
                    lambda t: condition(t, "Ready").get("reason") == "DeleteFailed")
    assert "sluice.dev/topic-protection" in t["metadata"]["finalizers"]
    assert t["metadata"].get("deletionTimestamp")
    broker.start()
    wait_until(lambda: k8s.kubectl("-n", ns, "get", "sluicetopic/kept",
                                   check=False).returncode != 0, 90,
               "kept to be deleted once the broker is back")
    assert "kept" not in topic_names(broker)


def test_advertised_pod_addresses_are_dialled_through_the_address_map(k8s, namespace,
                                                                       operator_factory,
                                                                       tmp_path):
    """The broker advertises its pod DNS name, which does not resolve here: the operator
    reaches it only through --broker-address-map."""
    ns = namespace
    b = start_broker(tmp_path / "pod-broker", "--advertised-listeners",
                     broker_pod_address(ns, CLUSTER))
    try:
        make_cluster(k8s, ns, CLUSTER, brokers=1)
        start_operator(operator_factory, ns, b.port)
        apply_topic(k8s, ns, "mapped", 3, deletion="Delete")
        t = wait_status(k8s, ns, "mapped", "Ready/Synced",
                        lambda t: ready(t) and t["status"].get("partitions") == 3)
        assert t["status"]["topicId"]
        # Metadata from the bootstrap connection alone (kcat -L) shows the topic.
        assert partitions_on_broker(b, "mapped") == 3
        k8s.kubectl("-n", ns, "delete", "sluicetopic/mapped", "--timeout=60s")
        wait_until(lambda: partitions_on_broker(b, "mapped") is None, 30, "mapped deleted")
    finally:
        b.close()


def test_topic_deleted_with_a_kafka_tool_is_recreated(k8s, namespace, operator_factory, broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "phoenix", 3, {"retention.ms": 90000})
    t = wait_status(k8s, ns, "phoenix", "Ready/Synced", lambda t: ready(t))
    first_id = t["status"]["topicId"]
    integration_harness().kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--delete",
                                     "--topic", "phoenix")
    t = wait_status(k8s, ns, "phoenix", "recreated with a new topic id",
                    lambda t: ready(t) and t["status"].get("topicId") not in (None, first_id))
    assert condition(t, "Drifted")["reason"] == "DriftCorrected"
    assert "does not exist" in condition(t, "Drifted")["message"]
    assert partitions_on_broker(broker, "phoenix") == 3
    assert topic_configs(broker, "phoenix") == {"retention.ms": "90000"}


def test_a_restarted_operator_converges_topics_changed_while_it_was_down(k8s, namespace,
                                                                         operator_factory, broker):
    ns = namespace
    make_cluster(k8s, ns, CLUSTER, brokers=1)
    op = start_operator(operator_factory, ns, broker.port)
    apply_topic(k8s, ns, "steady", 1, {"retention.ms": 100000})
    wait_status(k8s, ns, "steady", "Ready/Synced", lambda t: ready(t))
    op.kill()  # SIGKILL: nothing is handed over
    k8s.kubectl("-n", ns, "patch", "sluicetopic/steady", "--type=merge", "-p",
                '{"spec": {"partitions": 3}}')
    alter_config(broker, "steady", "retention.ms=5")
    start_operator(operator_factory, ns, broker.port)
    wait_status(k8s, ns, "steady", "Ready with 3 partitions at the new generation",
                lambda t: ready(t) and t["status"].get("partitions") == 3)
    assert partitions_on_broker(broker, "steady") == 3
    assert topic_configs(broker, "steady") == {"retention.ms": "100000"}
