"""Leader election between sluice-operator replicas on a real coordination.k8s.io/v1 Lease:
only the holder reconciles; a standby takes over when the leader is SIGKILLed (after the lease
expires) or at once when it shuts down cleanly (SIGTERM releases the lease)."""

from __future__ import annotations

import time

from k8s_harness import wait_until
from operator_harness import make_cluster, wait_ready


def lease_args(namespace: str, duration: int) -> list[str]:
    return ["--namespace", namespace, "--leader-election", "on", "--lease-name", "sluice-op",
            "--lease-duration-seconds", str(duration),
            "--renew-deadline-seconds", str(max(2, duration - 2)), "--retry-period-seconds", "1"]


def holder(k8s, namespace: str) -> str:
    proc = k8s.kubectl("-n", namespace, "get", "lease", "sluice-op", "-o",
                       "jsonpath={.spec.holderIdentity}", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def test_only_the_leader_acts_and_a_standby_takes_over_when_it_dies(k8s, namespace,
                                                                      operator_factory):
    a = operator_factory(*lease_args(namespace, 5), "--identity", "op-a", name="a")
    wait_until(lambda: holder(k8s, namespace) == "op-a", 30, "op-a to hold the lease")
    b = operator_factory(*lease_args(namespace, 5), "--identity", "op-b", name="b")
    make_cluster(k8s, namespace, "lead", brokers=1)
    wait_ready(k8s, namespace, "lead", 1)
    time.sleep(2)  # b has polled the lease a few times meanwhile
    assert holder(k8s, namespace) == "op-a"
    assert a.metric("sluice_operator_leader") == 1
    assert b.metric("sluice_operator_leader") == 0
    assert b.metric_sum("sluice_operator_reconcile_total") == 0
    assert "sluicecluster" not in b.log()
    assert b.http(b.health_port, "/readyz")[0] == 200  # a standby is ready, it just waits
    transitions = k8s.get_json("-n", namespace, "lease/sluice-op")["spec"].get("leaseTransitions", 0)

    a.kill()  # SIGKILL: the lease is not released and must expire
    wait_until(lambda: holder(k8s, namespace) == "op-b", 30, "op-b to take the lease over")
    lease = k8s.get_json("-n", namespace, "lease/sluice-op")["spec"]
    assert lease["leaseTransitions"] == transitions + 1, lease
    k8s.kubectl("-n", namespace, "scale", "sluicecluster/lead", "--replicas=2")
    wait_ready(k8s, namespace, "lead", 2)
    assert b.metric("sluice_operator_leader") == 1
    assert b.metric_sum("sluice_operator_reconcile_total") >= 1
    assert "acquired lease" in b.log() and "from op-a" in b.log()


def test_sigterm_releases_the_lease_so_the_standby_takes_over_at_once(k8s, namespace,
                                                                        operator_factory):
    # A long lease: only a release explains a takeover within a few seconds.
    a = operator_factory(*lease_args(namespace, 60), "--identity", "op-a", name="a")
    wait_until(lambda: holder(k8s, namespace) == "op-a", 30, "op-a to hold the lease")
    b = operator_factory(*lease_args(namespace, 60), "--identity", "op-b", name="b")
    time.sleep(1.5)
    assert holder(k8s, namespace) == "op-a"
    assert a.stop() == 0
    assert "released lease" in a.log()
    wait_until(lambda: holder(k8s, namespace) == "op-b", 15, "op-b to take the released lease")
    make_cluster(k8s, namespace, "handover", brokers=1)
    wait_ready(k8s, namespace, "handover", 1)
    assert b.running()


def test_a_leader_that_loses_the_lease_stops_at_once(k8s, namespace, operator_factory):
    a = operator_factory(*lease_args(namespace, 30), "--identity", "op-a", name="a")
    wait_until(lambda: holder(k8s, namespace) == "op-a", 30, "op-a to hold the lease")
    # Another replica (simulated) takes the lease over, e.g. after a network partition.
    k8s.kubectl("-n", namespace, "patch", "lease", "sluice-op", "--type=merge",
                "-p", '{"spec":{"holderIdentity":"intruder"}}')
    wait_until(lambda: not a.running(), 15, "op-a to exit after losing the lease")
    assert a.proc.returncode == 1, a.log()[-2000:]
    assert "lost the lease" in a.log()
    assert holder(k8s, namespace) == "intruder"  # and it did not grab it back
