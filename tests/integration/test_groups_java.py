"""Consumer groups with the Java client (4.1.1, classic protocol) against a real broker.

Members are separate JVMs running java/GroupMember.java; the produce load is
java/AckedProducer.java, which writes down every acknowledged record (partition, offset).
"""

from __future__ import annotations

import subprocess
import time

import pytest

import harness
from group_members import Member, consumed, cover, describe_all, duplicates, cleanup

pytestmark = pytest.mark.java


def member(java_programs, broker, topic, group, tmp_path, name, *configs, max_seconds=240):
    return Member(java_programs.command("GroupMember", broker.bootstrap, topic, group,
                                        tmp_path / f"{name}.out", tmp_path / f"{name}.stop",
                                        max_seconds, *configs), tmp_path, name)


def read_acks(path) -> set[tuple[int, int]]:
    acks = set()
    for line in path.read_text().splitlines():
        _, p, off = map(int, line.split())
        acks.add((p, off))
    return acks


def test_three_java_members_share_12_partitions_under_load_and_process_each_record_once(
        broker, java_programs, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 12)
    group = "java-churn"
    ack_file = tmp_path / "acks.txt"
    producer = subprocess.Popen(
        java_programs.command("AckedProducer", broker.bootstrap, topic_name, "12", "idempotent",
                              "8000", "60", "200", str(ack_file)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    members = []
    try:
        a = member(java_programs, broker, topic_name, group, tmp_path, "a")
        b = member(java_programs, broker, topic_name, group, tmp_path, "b")
        members += [a, b]
        harness.wait_for(lambda: cover([a, b], 12), 90, "a and b to share the 12 partitions")
        c = member(java_programs, broker, topic_name, group, tmp_path, "c")
        members.append(c)
        harness.wait_for(lambda: cover([a, b, c], 12), 90, "a, b and c to share the partitions")
        a.stop()  # A clean leave while records keep arriving.
        harness.wait_for(lambda: cover([b, c], 12), 90, "b and c to take over a's partitions")
        d = member(java_programs, broker, topic_name, group, tmp_path, "d")
        members.append(d)
        harness.wait_for(lambda: cover([b, c, d], 12), 90, "d to get partitions")

        out, err = producer.communicate(timeout=150)
        assert producer.returncode == 0, err.decode()[-2000:]
        acked = read_acks(ack_file)
        assert len(acked) >= 1000, out.decode()
        harness.wait_for(lambda: acked <= set(consumed(members)), 120,
                         "every acknowledged record to be consumed")
        for m in (b, c, d):
            m.stop()
    except BaseException:
        producer.kill()
        print(describe_all(members))
        cleanup(members)
        raise

    records = consumed(members)
    assert duplicates(records) == [], "records processed twice across clean rebalances"
    assert set(records) == acked, "consumed records differ from the acknowledged ones"
    for m in members:
        assert m.records(), f"member {m.name} processed nothing\n{m.describe()}"
    # The group's committed offsets are the end of every partition: lag 0 everywhere.
    describe = harness.kafka_tool("consumer-groups", "--bootstrap-server", broker.bootstrap,
                                  "--describe", "--group", group).stdout.decode()
    rows = [line.split() for line in describe.splitlines() if line.startswith(group + " ")]
    assert len(rows) == 12, describe
    assert all(row[5] == "0" for row in rows), describe


def test_member_killed_without_leaving_is_dropped_after_its_session_and_partitions_move(
        broker, java_programs, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 6)
    records = [(f"k{i}".encode(), f"v{i}".encode()) for i in range(600)]
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records)
    group = "java-kill"
    session = "session.timeout.ms=6000"
    a = member(java_programs, broker, topic_name, group, tmp_path, "a", session)
    b = member(java_programs, broker, topic_name, group, tmp_path, "b", session)
    members = [a, b]
    try:
        harness.wait_for(lambda: cover(members, 6), 90, "a and b to share the 6 partitions")
        a.kill()  # No LeaveGroup: only the session timeout can tell.
        harness.wait_for(lambda: b.assignment() == set(range(6)), 60,
                         "b to be given every partition after a's session expired")
        harness.wait_for(lambda: len(set(consumed(members))) == 600, 60,
                         "every record to be consumed by a or b")
        describe = harness.kafka_tool("consumer-groups", "--bootstrap-server", broker.bootstrap,
                                      "--describe", "--group", group, "--members").stdout.decode()
        member_rows = [line for line in describe.splitlines() if line.startswith(group + " ")]
        assert len(member_rows) == 1, describe
        b.stop()
    except BaseException:
        print(describe_all(members))
        cleanup(members)
        raise


@pytest.mark.slow
def test_members_keep_consuming_across_a_broker_kill9_without_reprocessing(
        broker, java_programs, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 4)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"a{i}".encode(), b"x") for i in range(400)])
    group = "java-restart"
    a = member(java_programs, broker, topic_name, group, tmp_path, "a")
    b = member(java_programs, broker, topic_name, group, tmp_path, "b")
    members = [a, b]
    try:
        harness.wait_for(lambda: len(consumed(members)) >= 400, 90, "the first 400 records")
        harness.wait_for(lambda: all(m.lines() and m.lines()[-1].startswith("COMMITTED")
                                     for m in members if m.records()), 30, "commits")
        broker.kill9()  # SIGKILL and start again on the same data and port.
        harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                             [(f"b{i}".encode(), b"y") for i in range(400)])
        harness.wait_for(lambda: len(set(consumed(members))) >= 800, 120,
                         "the 400 records produced after the restart")
        for m in members:
            m.stop()
    except BaseException:
        print(describe_all(members))
        cleanup(members)
        raise
    records = consumed(members)
    assert duplicates(records) == []
    assert len(set(records)) == 800


def test_static_member_restarting_quickly_keeps_its_partitions_without_a_rebalance(
        broker, java_programs, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 4)
    group = "java-static"
    session = "session.timeout.ms=30000"
    a = member(java_programs, broker, topic_name, group, tmp_path, "a", "group.instance.id=inst-a",
               session)
    b = member(java_programs, broker, topic_name, group, tmp_path, "b", "group.instance.id=inst-b",
               session)
    members = [a, b]
    try:
        harness.wait_for(lambda: cover(members, 4), 90, "a and b to share the partitions")
        before = b.assignment()
        a_lines = len(a.lines())
        # A static member sends no LeaveGroup on close: a replacement with the same instance id
        # takes its place without a rebalance, so `a` sees no revocation at all.
        b.stop()
        b2 = member(java_programs, broker, topic_name, group, tmp_path, "b2",
                    "group.instance.id=inst-b", session)
        members.append(b2)
        harness.wait_for(lambda: b2.assignment() == before, 60, "b2 to get b's partitions back")
        harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                             [(f"k{i}".encode(), b"v") for i in range(100)])
        harness.wait_for(lambda: len(consumed([a, b2])) >= 100, 60, "a and b2 to consume")
        rebalance_lines = [line for line in a.lines()[a_lines:]
                           if line.startswith(("REVOKED", "ASSIGNED"))]
        assert rebalance_lines == [], "a went through a rebalance"
        for m in (a, b2):
            m.stop()
    except BaseException:
        print(describe_all(members))
        cleanup(members)
        raise
