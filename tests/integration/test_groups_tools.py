"""kafka-consumer-groups (Kafka 4.1.1) against the group coordinator, committed offsets across a
broker SIGKILL, and lag metrics."""

from __future__ import annotations

import re

import pytest

import harness

pytestmark = pytest.mark.java


def groups_tool(broker, *args: str, check: bool = True) -> str:
    proc = harness.kafka_tool("consumer-groups", "--bootstrap-server", broker.bootstrap, *args,
                              check=check)
    return proc.stdout.decode() + proc.stderr.decode()


def consume_in_group(broker, topic: str, group: str, n: int) -> None:
    """kcat -G consumes n records in `group` and commits them on exit."""
    harness.kcat(broker.bootstrap, "-G", group, topic, "-c", str(n), "-q",
                 "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=true",
                 "-X", "auto.commit.interval.ms=100", timeout=90)


def offsets(describe: str, group: str) -> dict[int, tuple[str, str, str]]:
    """partition -> (current offset, log end offset, lag) from `--describe` output."""
    rows = {}
    for line in describe.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[0] == group:
            rows[int(parts[2])] = (parts[3], parts[4], parts[5])
    return rows


def test_consumer_groups_list_describe_reset_and_delete(broker, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 2)
    records = [(f"k{i}".encode(), f"v{i}".encode()) for i in range(100)]
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records[:50], partition=0)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records[50:], partition=1)
    consume_in_group(broker, topic_name, "tools-a", 100)
    consume_in_group(broker, topic_name, "tools-b", 100)

    listed = groups_tool(broker, "--list")
    assert {"tools-a", "tools-b"} <= set(listed.split()), listed
    state = groups_tool(broker, "--list", "--state")
    assert re.search(r"tools-a\s+Empty", state), state

    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records[:7], partition=0)
    described = offsets(groups_tool(broker, "--describe", "--group", "tools-a"), "tools-a")
    assert described == {0: ("50", "57", "7"), 1: ("50", "50", "0")}, described

    def reset(*how: str) -> dict:
        out = groups_tool(broker, "--reset-offsets", "--group", "tools-a", "--topic", topic_name,
                          *how, "--execute")
        assert "NEW-OFFSET" in out, out
        return offsets(groups_tool(broker, "--describe", "--group", "tools-a"), "tools-a")

    assert {p: v[0] for p, v in reset("--to-earliest").items()} == {0: "0", 1: "0"}
    assert {p: v[0] for p, v in reset("--shift-by", "5").items()} == {0: "5", 1: "5"}
    assert {p: v[0] for p, v in reset("--to-datetime", "2000-01-01T00:00:00.000").items()} == \
        {0: "0", 1: "0"}
    assert {p: v[0] for p, v in reset("--to-latest").items()} == {0: "57", 1: "50"}

    deleted = groups_tool(broker, "--delete-offsets", "--group", "tools-b", "--topic",
                          f"{topic_name}:0")
    assert re.search(rf"{topic_name}\s+0\s+Successful", deleted), deleted
    remaining = offsets(groups_tool(broker, "--describe", "--group", "tools-b"), "tools-b")
    assert remaining == {1: ("50", "50", "0")}, remaining

    out = groups_tool(broker, "--delete", "--group", "tools-a")
    assert "was successful" in out, out
    listed = groups_tool(broker, "--list")
    assert "tools-a" not in listed.split() and "tools-b" in listed.split(), listed
    missing = groups_tool(broker, "--delete", "--group", "tools-a", check=False)
    assert "GroupIdNotFoundException" in missing or "does not exist" in missing, missing


def test_describe_shows_members_and_their_assignments(broker, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 3)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, [(b"k", b"v")] * 3)
    proc = __import__("subprocess").Popen(
        ["kcat", "-b", broker.bootstrap, "-G", "tools-live", topic_name, "-q",
         "-X", "auto.offset.reset=earliest"],
        stdout=__import__("subprocess").DEVNULL, stderr=__import__("subprocess").DEVNULL)
    try:
        def members_described() -> str:
            return groups_tool(broker, "--describe", "--group", "tools-live", "--members",
                               "--verbose", check=False)
        harness.wait_for(lambda: re.search(r"tools-live\s+\S+\s+/127\.0\.0\.1\s+\S+\s+3\s",
                                           members_described()) is not None, 60,
                         "the member with its 3 partitions")
        state = groups_tool(broker, "--describe", "--group", "tools-live", "--state")
        assert re.search(r"range\s+Stable\s+1", state), state
        busy = groups_tool(broker, "--delete", "--group", "tools-live", check=False)
        assert "NonEmptyGroupException" in busy or "not empty" in busy, busy
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_broker_kill9_keeps_every_committed_offset_and_group(broker, tmp_path, topic_name):
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    harness.create_topic(broker.bootstrap, topic_name, 4)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"k{i}".encode(), b"v") for i in range(200)])
    consume_in_group(broker, topic_name, "crash-live", 200)
    expected = {}
    for g in range(5):
        consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=f"crash-{g}",
                                 enable_auto_commit=False)
        try:
            commits = {TopicPartition(topic_name, p): OffsetAndMetadata(g * 10 + p, f"m{g}{p}")
                       for p in range(4)}
            consumer.commit(commits)
            expected[f"crash-{g}"] = {p: (g * 10 + p, f"m{g}{p}") for p in range(4)}
        finally:
            consumer.close()
    before = offsets(groups_tool(broker, "--describe", "--group", "crash-live"), "crash-live")

    broker.kill9()

    for group, want in expected.items():
        consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group,
                                 enable_auto_commit=False)
        try:
            tps = [TopicPartition(topic_name, p) for p in range(4)]
            got = consumer._coordinator.fetch_committed_offsets(tps)
            assert {tp.partition: (om.offset, om.metadata) for tp, om in got.items()} == want
        finally:
            consumer.close()
    after = offsets(groups_tool(broker, "--describe", "--group", "crash-live"), "crash-live")
    assert after == before and sum(int(v[0]) for v in after.values()) == 200, (before, after)
    state = groups_tool(broker, "--describe", "--group", "crash-live", "--state")
    assert re.search(r"crash-live\s+\S+\s+\S+\s+\S+\s+Empty", state) or "Empty" in state, state


def test_lag_and_group_states_are_exported_as_metrics(broker, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 2)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"k{i}".encode(), b"v") for i in range(40)], partition=0)
    consume_in_group(broker, topic_name, "metrics-g", 40)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"k{i}".encode(), b"v") for i in range(25)], partition=0)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"k{i}".encode(), b"v") for i in range(5)], partition=1)

    def scrape() -> str:
        status, body = broker.http_get("/metrics")
        assert status == 200
        return body.decode()

    text = scrape()
    lag = re.search(rf'sluice_group_lag_records\{{group="metrics-g",topic="{topic_name}"\}} (\S+)',
                    text)
    assert lag, text
    # Partition 0: 65 - 40; partition 1: committed at 0 by the group (kcat commits it), or
    # not at all, in which case it is not counted.
    assert float(lag.group(1)) in (25.0, 30.0), lag.group(0)
    assert re.search(r'sluice_group_groups\{state="Empty"\} [1-9]', text), text
    assert "sluice_group_members 0" in text
