"""Kafka 4.1.1's own command-line tools (scripts/kafka-tool) and the Java client program."""

import re

import pytest

import harness

pytestmark = pytest.mark.java

# APIs the broker documents; each must show a usable version in broker-api-versions.
REQUIRED_APIS = ["Produce", "Fetch", "ListOffsets", "Metadata", "ApiVersions", "CreateTopics",
                 "DeleteTopics", "InitProducerId", "DescribeConfigs"]


def test_topics_create_list_describe_delete(broker, topic_name):
    out = harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--create",
                             "--topic", topic_name, "--partitions", "3",
                             "--replication-factor", "1").stdout.decode()
    assert f"Created topic {topic_name}." in out, out

    listed = harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--list").stdout
    assert topic_name in listed.decode().split(), listed

    desc = harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--describe",
                              "--topic", topic_name).stdout.decode()
    head = re.search(r"Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)\s+ReplicationFactor: (\d+)", desc)
    assert head, desc
    assert head.groups() == (topic_name, "3", "1"), desc
    parts = re.findall(r"Partition: (\d+)\s+Leader: (\S+)\s+Replicas: (\S+)\s+Isr: (\S+)", desc)
    assert sorted(int(p[0]) for p in parts) == [0, 1, 2], desc
    for _, leader, replicas, isr in parts:
        assert (leader, replicas, isr) == ("0", "0", "0"), desc

    harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--delete", "--topic", topic_name)
    harness.wait_for(
        lambda: topic_name not in harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap,
                                                     "--list").stdout.decode().split(),
        60, f"{topic_name} to disappear from --list after --delete", interval=0.5)


def test_broker_api_versions_lists_usable_versions_of_served_apis(broker):
    out = harness.kafka_tool("broker-api-versions", "--bootstrap-server", broker.bootstrap).stdout.decode()

    assert f"{broker.bootstrap} (id: 0" in out, out
    for api in REQUIRED_APIS:
        # "Produce(0): 3 to 11 [usable: 11]", or "X(75): 0 [usable: 0]" for a single version.
        m = re.search(rf"\b{api}\(\d+\): (\d+)(?: to (\d+))? \[usable: (\d+)\]", out)
        assert m, f"{api} has no usable version in:\n{out}"
        lo, hi, usable = int(m[1]), int(m[2] or m[1]), int(m[3])
        assert lo <= usable <= hi, m.group(0)
    # Must not advertise what it does not serve (protocol.md section 1).
    for api in ["ConsumerGroupHeartbeat", "ConsumerGroupDescribe", "GetTelemetrySubscriptions",
                "PushTelemetry", "ShareGroupHeartbeat"]:
        m = re.search(rf"\b{api}\(\d+\): (.*)", out)
        assert not m or m[1].startswith("UNSUPPORTED"), f"{api} advertised: {m[0]}"


def test_console_producer_then_console_consumer_by_partition(broker, topic_name):
    harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--create",
                       "--topic", topic_name, "--partitions", "1", "--replication-factor", "1")
    n = 500
    lines = [f"key-{i}\tvalue {i} " + "x" * (i % 50) for i in range(n)]
    harness.kafka_tool("console-producer", "--bootstrap-server", broker.bootstrap, "--topic", topic_name,
                       "--property", "parse.key=true", "--property", "key.separator=\t",
                       "--producer-property", "acks=all",
                       "--producer-property", "compression.type=gzip",
                       input=("\n".join(lines) + "\n").encode())

    # --partition without --group: ConsoleConsumer 4.1.1 then uses assign() and a random
    # group.id with enable.auto.commit=false, so it never talks to a group coordinator.
    # The explicit property documents that; --timeout-ms bounds the run.
    out = harness.kafka_tool("console-consumer", "--bootstrap-server", broker.bootstrap,
                             "--topic", topic_name, "--partition", "0", "--offset", "earliest",
                             "--max-messages", str(n), "--timeout-ms", "60000",
                             "--consumer-property", "enable.auto.commit=false",
                             "--property", "print.key=true", "--property", "key.separator=\t",
                             "--property", "print.offset=true", "--property", "print.partition=true",
                             ).stdout.decode()

    got = [line for line in out.splitlines() if line.startswith("Partition:")]
    assert len(got) == n, out[-2000:]
    for i, line in enumerate(got):
        # print.offset/partition put "Partition:0\tOffset:7\t" before key and value.
        assert line == f"Partition:0\tOffset:{i}\t{lines[i]}", line


def test_get_offsets_reports_log_end_offsets(broker, topic_name):
    harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--create",
                       "--topic", topic_name, "--partitions", "2", "--replication-factor", "1")
    counts = {0: 37, 1: 5}
    for p, n in counts.items():
        harness.kcat(broker.bootstrap, "-P", "-t", topic_name, "-p", str(p),
                     input=b"".join(b"m%d\n" % i for i in range(n)))

    out = harness.kafka_tool("get-offsets", "--bootstrap-server", broker.bootstrap,
                             "--topic", topic_name).stdout.decode()
    earliest = harness.kafka_tool("get-offsets", "--bootstrap-server", broker.bootstrap,
                                  "--topic", topic_name, "--time", "-2").stdout.decode()

    assert sorted(out.split()) == sorted(f"{topic_name}:{p}:{n}" for p, n in counts.items()), out
    assert sorted(earliest.split()) == sorted(f"{topic_name}:{p}:0" for p in counts), earliest


@pytest.mark.parametrize("partitions,compression", [(4, "none"), (3, "zstd"), (1, "snappy")])
def test_java_idempotent_producer_roundtrip_has_no_duplicates(broker, java_programs, topic_name,
                                                             partitions, compression):
    count = 20000
    proc = java_programs.run("IdempotentProducerCheck", broker.bootstrap, topic_name, count,
                             partitions, compression, 150, timeout=200)
    out = proc.stdout.decode()

    assert proc.returncode == 0, f"{out}\n{proc.stderr.decode()[-3000:]}"
    assert f"IdempotentProducerCheck PASS records={count} partitions={partitions}" in out, out
    if partitions > 1:
        used = int(re.search(r"partitions_used=(\d+)", out).group(1))
        assert used == partitions, f"keys should spread over all partitions: {out}"
