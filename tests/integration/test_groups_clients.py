"""Consumer groups with librdkafka (range and cooperative-sticky), kafka-python and franz-go.

librdkafka members run clients/rdkafka_group_member.c; franz-go members run go/groupmember,
built here with `go build` (modules come from the Go module proxy into ~/.cache/sluice/go on
first use, so later runs work offline).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import harness
from group_members import Member, consumed, cover, describe_all, duplicates, cleanup

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def rdkafka_group_member(tmp_path_factory) -> Path:
    built = harness.BUILD_DIR / "tests" / "integration" / "rdkafka_group_member"
    if built.is_file():
        return built
    out = tmp_path_factory.mktemp("rdkafka-group") / "rdkafka_group_member"
    flags = harness.run(["pkg-config", "--cflags", "--libs", "rdkafka"], timeout=30).stdout.decode()
    harness.run([os.environ.get("CC", "cc"), "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror",
                 "-o", str(out), str(HERE / "clients" / "rdkafka_group_member.c"), *flags.split()],
                timeout=120)
    return out


def go_env() -> dict:
    cache = harness.CACHE / "go"
    return {**os.environ, "GOMODCACHE": str(cache / "mod"), "GOPATH": str(cache),
            "GOCACHE": str(cache / "build"), "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}


@pytest.fixture(scope="module")
def go_group_member(tmp_path_factory) -> Path:
    if shutil.which("go") is None:
        pytest.fail("the go toolchain is needed for the franz-go test", pytrace=False)
    out = tmp_path_factory.mktemp("go-group") / "groupmember"
    harness.run(["go", "build", "-o", str(out), "."], timeout=600, env=go_env(),
                cwd=HERE / "go" / "groupmember")
    return out


def produce(broker, topic, tmp_path, prefix: str, n: int) -> None:
    harness.kcat_produce(broker.bootstrap, topic, tmp_path,
                         [(f"{prefix}{i}".encode(), b"v") for i in range(n)])


def churn(broker, topic, tmp_path, start_member, partitions: int, total: int) -> list[Member]:
    """Two members, then a third joins, then one leaves, while records are produced; returns
    every member once all records are consumed and the rest have left cleanly."""
    produce(broker, topic, tmp_path, "a", total // 2)
    a, b = start_member("a"), start_member("b")
    members = [a, b]
    try:
        harness.wait_for(lambda: cover([a, b], partitions), 90, "a and b to share the partitions")
        c = start_member("c")
        members.append(c)
        harness.wait_for(lambda: cover([a, b, c], partitions), 90, "c to be given partitions")
        a.stop()
        harness.wait_for(lambda: cover([b, c], partitions), 90, "b and c to take a's partitions")
        produce(broker, topic, tmp_path, "b", total - total // 2)
        harness.wait_for(lambda: len(set(consumed(members))) >= total, 90, "every record")
        b.stop()
        c.stop()
    except BaseException:
        print(describe_all(members))
        cleanup(members)
        raise
    return members


@pytest.mark.rdkafka
@pytest.mark.parametrize("assignor", ["range", "cooperative-sticky"])
def test_librdkafka_members_rebalance_and_consume_each_record_once(
        broker, rdkafka_group_member, tmp_path, topic_name, assignor):
    harness.create_topic(broker.bootstrap, topic_name, 8)
    group = f"rdkafka-{assignor}"

    def start(name):
        return Member([rdkafka_group_member, broker.bootstrap, topic_name, group,
                       tmp_path / f"{name}.out", tmp_path / f"{name}.stop", 240,
                       f"partition.assignment.strategy={assignor}"], tmp_path, name)

    members = churn(broker, topic_name, tmp_path, start, 8, 800)
    records = consumed(members)
    assert duplicates(records) == []
    assert len(set(records)) == 800
    if assignor == "cooperative-sticky":
        # Incremental: when c joined, a and b gave up only some partitions, never all at once.
        a_lines = members[0].lines()
        revokes = [line for line in a_lines if line.startswith("REVOKED")]
        assert revokes and all(len(line.split()[1].split(",")) < 8 for line in revokes if
                               len(line.split()) > 1), a_lines[:40]


@pytest.mark.go
def test_franz_go_members_rebalance_and_consume_each_record_once(
        broker, go_group_member, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 6)

    def start(name):
        return Member([go_group_member, broker.bootstrap, topic_name, "franz",
                       tmp_path / f"{name}.out", tmp_path / f"{name}.stop", 240], tmp_path, name)

    members = churn(broker, topic_name, tmp_path, start, 6, 600)
    records = consumed(members)
    assert duplicates(records) == []
    assert len(set(records)) == 600


def test_kafka_python_group_commits_and_a_new_member_resumes_where_it_left_off(
        broker, tmp_path, topic_name):
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    harness.create_topic(broker.bootstrap, topic_name, 3)
    produce(broker, topic_name, tmp_path, "first", 150)

    def consume(n: int) -> list[tuple[int, int]]:
        consumer = KafkaConsumer(topic_name, bootstrap_servers=broker.bootstrap,
                                 group_id="py-group", client_id="sluice-it-py",
                                 enable_auto_commit=False, auto_offset_reset="earliest",
                                 session_timeout_ms=10000, heartbeat_interval_ms=1000,
                                 consumer_timeout_ms=1000)
        seen = []
        deadline = time.monotonic() + 90
        try:
            while len(seen) < n and time.monotonic() < deadline:
                for message in consumer:
                    seen.append((message.partition, message.offset))
                consumer.commit()
            consumer.commit()
        finally:
            consumer.close()
        return seen

    first = consume(150)
    assert len(first) == 150 and len(set(first)) == 150
    produce(broker, topic_name, tmp_path, "second", 60)
    second = consume(60)
    assert len(second) == 60, "the second member starts at the committed offsets"
    assert not set(first) & set(second)

    # Metadata strings round-trip through OffsetCommit / OffsetFetch.
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id="py-meta",
                             enable_auto_commit=False)
    try:
        tp = TopicPartition(topic_name, 1)
        consumer.assign([tp])
        consumer.commit({tp: OffsetAndMetadata(17, "checkpoint: \u00e9t\u00e9 #42")})
        committed = consumer._coordinator.fetch_committed_offsets([tp])[tp]
        assert committed.offset == 17
        assert committed.metadata == "checkpoint: \u00e9t\u00e9 #42"
    finally:
        consumer.close()
