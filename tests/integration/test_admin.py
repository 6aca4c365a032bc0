"""Topic and broker administration with Kafka 4.1.1's own tools and Java client: retention,
DeleteRecords, CreatePartitions, AlterConfigs/IncrementalAlterConfigs, DescribeLogDirs.

Records are produced one per batch (kcat with batch.num.messages=1) so that small segments
hold several batches and retention and DeleteRecords have whole segments to delete.
"""

import json
import re

import pytest

import harness

pytestmark = pytest.mark.java

ONE_PER_BATCH = ["-X", "batch.num.messages=1", "-X", "linger.ms=0", "-X", "queue.buffering.max.ms=0"]


def tool(name, broker, *args, check=True):
    proc = harness.kafka_tool(name, "--bootstrap-server", broker.bootstrap, *args, check=check)
    return proc.stdout.decode() + proc.stderr.decode()


def create_topic(broker, topic, partitions=1):
    out = tool("topics", broker, "--create", "--topic", topic, "--partitions", str(partitions),
               "--replication-factor", "1")
    assert f"Created topic {topic}." in out, out


def alter_topic(broker, topic, *args, check=True):
    return tool("configs", broker, "--entity-type", "topics", "--entity-name", topic, "--alter",
                *args, check=check)


def describe_topic_configs(broker, topic, all_configs=False):
    args = ["--entity-type", "topics", "--entity-name", topic, "--describe"]
    return tool("configs", broker, *args, *(["--all"] if all_configs else []))


def config_line(describe_out, key):
    """The '  key=value sensitive=... synonyms={...}' line of one config, or None."""
    m = re.search(rf"^\s+{re.escape(key)}=(.*?) sensitive=\S+ synonyms=\{{(.*)\}}$",
                  describe_out, re.M)
    return (m[1], m[2]) if m else None


def produce(broker, topic, workdir, count, partition=0, start=0, size=100):
    records = [(f"k{start + i}".encode(), (f"v{start + i}-".encode() + b"x" * size)[:size])
               for i in range(count)]
    harness.kcat_produce(broker.bootstrap, topic, workdir, records, partition=partition,
                         extra=ONE_PER_BATCH)


def earliest(broker, topic, partition=0):
    out = harness.kcat(broker.bootstrap, "-Q", "-t", f"{topic}:{partition}:-2").stdout.decode()
    m = re.search(rf"{re.escape(topic)} \[{partition}\] offset (-?\d+)", out)
    assert m, out
    return int(m[1])


def java_consume(java_programs, broker, topic, partition=0, mode="beginning"):
    proc = java_programs.run("EarliestConsumer", broker.bootstrap, topic, partition, mode)
    out = proc.stdout.decode()
    m = re.search(r"EarliestConsumer beginning=(-?\d+) end=(-?\d+) first=(-?\d+) count=(\d+)", out)
    assert m and proc.returncode == 0, out + proc.stderr.decode()[-3000:]
    return tuple(int(x) for x in m.groups())


def metric(broker, name, labels=""):
    _, body = broker.http_get("/metrics")
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", body.decode(), re.M)
    return float(m[1]) if m else None


def segment_bases(broker, topic, partition=0):
    return sorted(int(p.stem) for p in broker.partition_dir(topic, partition).glob("*.log"))


def log_bytes(broker, topic, partition=0):
    return harness.log_bytes(broker.partition_dir(topic, partition))


def test_retention_by_size_is_seen_by_a_java_consumer(broker_factory, java_programs, topic_name,
                                                      tmp_path):
    broker = broker_factory("--log-retention-check-interval-ms", "200")
    create_topic(broker, topic_name)
    out = alter_topic(broker, topic_name, "--add-config", "segment.bytes=1000,retention.bytes=3000")
    assert "Completed updating config" in out, out
    produce(broker, topic_name, tmp_path, 40)
    # Retention may run while kcat produces, so count the segments it has already deleted too.
    deleted = lambda: metric(broker, "sluice_log_deleted_segments_total", '{reason="retention"}') or 0
    harness.wait_for(lambda: len(segment_bases(broker, topic_name)) + deleted() >= 6, 30,
                     "40 records of 100 bytes to fill at least 6 segments of 1000 bytes")

    harness.wait_for(lambda: earliest(broker, topic_name) > 0, 30, "retention to move the log start")
    harness.wait_for(lambda: log_bytes(broker, topic_name) < 3000 + 1000, 30,
                     "retention to trim the partition to retention.bytes plus a segment")
    start = earliest(broker, topic_name)
    kept = log_bytes(broker, topic_name)
    assert kept >= 3000, f"retention deleted below retention.bytes: {kept} bytes left"
    assert segment_bases(broker, topic_name)[0] == start

    # The Java consumer starts at the new log start and sees every record after it; one seeking
    # to offset 0 gets OFFSET_OUT_OF_RANGE and resets to the start, as with Kafka.
    assert java_consume(java_programs, broker, topic_name) == (start, 40, start, 40 - start)
    assert java_consume(java_programs, broker, topic_name, mode="zero") == (start, 40, start, 40 - start)
    records = harness.kcat_consume(broker.bootstrap, topic_name)
    assert [r.offset for r in records] == list(range(start, 40))
    assert records[0].key == f"k{start}".encode()

    assert metric(broker, "sluice_log_deleted_segments_total", '{reason="retention"}') >= 1
    assert metric(broker, "sluice_log_deleted_bytes_total", '{reason="retention"}') >= 1000
    assert metric(broker, "sluice_log_retention_runs_total") >= 1


def test_broker_level_retention_default_applies_to_topics_without_their_own(broker_factory,
                                                                           topic_name, tmp_path):
    broker = broker_factory("--log-retention-check-interval-ms", "200", "--log-segment-bytes", "1000")
    create_topic(broker, topic_name)
    produce(broker, topic_name, tmp_path, 30)
    assert earliest(broker, topic_name) == 0
    out = tool("configs", broker, "--entity-type", "brokers", "--entity-default", "--alter",
               "--add-config", "log.retention.bytes=2000")
    assert "Completed updating default config for brokers in the cluster." in out, out
    harness.wait_for(lambda: earliest(broker, topic_name) > 0, 30,
                     "the dynamic log.retention.bytes to trim the topic")
    out = describe_topic_configs(broker, topic_name, all_configs=True)
    value, synonyms = config_line(out, "retention.bytes")
    assert value == "2000", out
    assert synonyms.startswith("DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=2000"), synonyms


def test_delete_records_moves_the_start_for_consumers_and_survives_restarts(
        broker_factory, java_programs, topic_name, tmp_path):
    broker = broker_factory()
    create_topic(broker, topic_name)
    alter_topic(broker, topic_name, "--add-config", "segment.bytes=1000")
    produce(broker, topic_name, tmp_path, 30)
    segments = segment_bases(broker, topic_name)

    offsets = tmp_path / "offsets.json"
    offsets.write_text(json.dumps({"version": 1, "partitions": [
        {"topic": topic_name, "partition": 0, "offset": 17}]}))
    out = tool("delete-records", broker, "--offset-json-file", str(offsets))
    assert f"partition: {topic_name}-0\tlow_watermark: 17" in out, out
    # Segments wholly below 17 are gone; the one holding 17 stays.
    kept = segment_bases(broker, topic_name)
    assert kept == [b for i, b in enumerate(segments)
                    if i + 1 == len(segments) or segments[i + 1] > 17]
    assert java_consume(java_programs, broker, topic_name) == (17, 30, 17, 13)

    broker.restart()
    assert earliest(broker, topic_name) == 17
    assert java_consume(java_programs, broker, topic_name, mode="zero") == (17, 30, 17, 13)
    broker.kill9()
    assert earliest(broker, topic_name) == 17

    # Above the high watermark: OFFSET_OUT_OF_RANGE, nothing changes. -1 is the high watermark.
    offsets.write_text(json.dumps({"version": 1, "partitions": [
        {"topic": topic_name, "partition": 0, "offset": 31}]}))
    out = tool("delete-records", broker, "--offset-json-file", str(offsets), check=False)
    assert "OffsetOutOfRangeException" in out, out
    assert earliest(broker, topic_name) == 17
    offsets.write_text(json.dumps({"version": 1, "partitions": [
        {"topic": topic_name, "partition": 0, "offset": -1}]}))
    out = tool("delete-records", broker, "--offset-json-file", str(offsets))
    assert "low_watermark: 30" in out, out
    produce(broker, topic_name, tmp_path, 2, start=30)
    assert [r.offset for r in harness.kcat_consume(broker.bootstrap, topic_name)] == [30, 31]
    assert metric(broker, "sluice_log_deleted_segments_total", '{reason="delete_records"}') >= 1

    # A compact-only topic refuses it (POLICY_VIOLATION), as Kafka does.
    alter_topic(broker, topic_name, "--add-config", "cleanup.policy=compact")
    offsets.write_text(json.dumps({"version": 1, "partitions": [
        {"topic": topic_name, "partition": 0, "offset": 31}]}))
    out = tool("delete-records", broker, "--offset-json-file", str(offsets), check=False)
    assert "PolicyViolationException" in out, out
    assert earliest(broker, topic_name) == 30


def test_partitions_grow_are_produced_to_and_survive_restart(broker_factory, topic_name, tmp_path):
    broker = broker_factory()
    create_topic(broker, topic_name, partitions=2)
    produce(broker, topic_name, tmp_path, 3, partition=1)
    tool("topics", broker, "--alter", "--topic", topic_name, "--partitions", "5")
    desc = tool("topics", broker, "--describe", "--topic", topic_name)
    assert re.search(r"PartitionCount: 5\b", desc), desc
    produce(broker, topic_name, tmp_path, 4, partition=4)
    assert len(harness.kcat_consume(broker.bootstrap, topic_name, partition=4)) == 4

    # Shrinking or keeping the count: INVALID_PARTITIONS with Kafka's messages; nothing lost.
    out = tool("topics", broker, "--alter", "--topic", topic_name, "--partitions", "3", check=False)
    assert "InvalidPartitionsException" in out and "would not be an increase" in out, out
    out = tool("topics", broker, "--alter", "--topic", topic_name, "--partitions", "5", check=False)
    assert "Topic already has 5 partition(s)." in out, out

    # validate_only (kafka-python: the CLI cannot send it) checks without growing.
    from kafka.admin import KafkaAdminClient, NewPartitions
    from kafka.errors import InvalidPartitionsError
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=20000)
    try:
        response = admin.create_partitions({topic_name: NewPartitions(7)}, validate_only=True)
        assert [r[1] for r in response.topic_errors] == [0], response
        with pytest.raises(InvalidPartitionsError, match="would not be an increase"):
            admin.create_partitions({topic_name: NewPartitions(4)}, validate_only=True)
    finally:
        admin.close()

    broker.restart()
    desc = tool("topics", broker, "--describe", "--topic", topic_name)
    assert re.search(r"PartitionCount: 5\b", desc), desc
    assert len(harness.kcat_consume(broker.bootstrap, topic_name, partition=4)) == 4
    assert len(harness.kcat_consume(broker.bootstrap, topic_name, partition=1)) == 3
    produce(broker, topic_name, tmp_path, 1, partition=3)
    assert len(harness.kcat_consume(broker.bootstrap, topic_name, partition=3)) == 1


def test_topic_config_round_trip_incremental_ops_and_delete_back_to_default(
        broker, java_programs, topic_name):
    create_topic(broker, topic_name)
    out = alter_topic(broker, topic_name, "--add-config",
                      "retention.ms=12345,cleanup.policy=[delete,compact],max.message.bytes=5000")
    assert f"Completed updating config for topic {topic_name}." in out, out
    out = describe_topic_configs(broker, topic_name)
    assert config_line(out, "retention.ms")[0] == "12345", out
    assert config_line(out, "cleanup.policy")[0] == "delete,compact", out
    assert config_line(out, "retention.ms")[1].startswith("DYNAMIC_TOPIC_CONFIG:retention.ms=12345")

    # APPEND / SUBTRACT on a list, validateOnly, through the Java Admin client.
    def ops(*args):
        proc = java_programs.run("ConfigOps", broker.bootstrap, "topic", topic_name, *args)
        return proc.stdout.decode().strip().splitlines()[-1]
    assert ops("SUBTRACT:cleanup.policy=compact") == "ConfigOps OK"
    assert config_line(describe_topic_configs(broker, topic_name), "cleanup.policy")[0] == "delete"
    assert ops("--validate-only", "APPEND:cleanup.policy=compact") == "ConfigOps OK"
    assert config_line(describe_topic_configs(broker, topic_name), "cleanup.policy")[0] == "delete"
    assert ops("APPEND:cleanup.policy=compact") == "ConfigOps OK"
    assert config_line(describe_topic_configs(broker, topic_name), "cleanup.policy")[0] == "delete,compact"
    assert ops("APPEND:retention.ms=5").startswith("ConfigOps ERROR InvalidConfigurationException")

    # max.message.bytes applies to produce at once.
    big = harness.kcat(broker.bootstrap, "-P", "-t", topic_name, "-p", "0", "-K:",
                       input=b"k:" + b"x" * 6000 + b"\n", check=False)
    assert big.returncode != 0 and b"too large" in big.stderr.lower(), big.stderr

    out = alter_topic(broker, topic_name, "--delete-config", "retention.ms,max.message.bytes")
    assert "Completed updating config" in out, out
    out = describe_topic_configs(broker, topic_name, all_configs=True)
    value, synonyms = config_line(out, "retention.ms")
    assert value == "604800000" and synonyms == "DEFAULT_CONFIG:log.retention.hours=168", out
    assert config_line(describe_topic_configs(broker, topic_name), "retention.ms") is None
    harness.kcat(broker.bootstrap, "-P", "-t", topic_name, "-p", "0", "-K:",
                 input=b"k:" + b"x" * 6000 + b"\n")


def test_legacy_alter_configs_replaces_the_whole_set(broker, topic_name):
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
    create_topic(broker, topic_name)
    alter_topic(broker, topic_name, "--add-config", "retention.ms=777,segment.ms=888")
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=20000)
    try:
        response = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic_name,
                                                       configs={"retention.bytes": "4096"})])
        assert [r[0] for r in response.resources] == [0], response
        response = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic_name,
                                                       configs={"retention.bytes": "x"})])
        assert [r[0] for r in response.resources] == [40], response  # INVALID_CONFIG
    finally:
        admin.close()
    out = describe_topic_configs(broker, topic_name)
    assert config_line(out, "retention.bytes")[0] == "4096", out
    assert config_line(out, "retention.ms") is None and config_line(out, "segment.ms") is None, out


def test_bad_config_changes_get_kafkas_errors_and_lose_nothing(broker, java_programs, topic_name,
                                                                 tmp_path):
    create_topic(broker, topic_name)
    alter_topic(broker, topic_name, "--add-config", "retention.ms=5555")
    produce(broker, topic_name, tmp_path, 5)

    out = alter_topic(broker, topic_name, "--add-config", "no.such.config=1", check=False)
    assert "InvalidConfigurationException" in out and "no.such.config" in out, out
    out = alter_topic(broker, topic_name, "--add-config", "retention.ms=abc", check=False)
    assert "InvalidConfigurationException" in out, out
    out = alter_topic(broker, topic_name, "--add-config", "cleanup.policy=shred", check=False)
    assert "InvalidConfigurationException" in out, out
    out = tool("configs", broker, "--entity-type", "topics", "--entity-name", "no-such-topic",
               "--alter", "--add-config", "retention.ms=1", check=False)
    assert "UnknownTopicOrPartitionException" in out, out

    # Broker keys: read-only ones and bad values are INVALID_REQUEST, as Kafka (KAFKA-13609).
    out = tool("configs", broker, "--entity-type", "brokers", "--entity-name", "0", "--alter",
               "--add-config", "log.retention.check.interval.ms=5", check=False)
    assert "InvalidRequestException: Cannot update these configs dynamically: " \
           "Set(log.retention.check.interval.ms)" in out, out
    out = tool("configs", broker, "--entity-type", "brokers", "--entity-name", "0", "--alter",
               "--add-config", "log.retention.bytes=lots", check=False)
    assert "InvalidRequestException" in out and "log.retention.bytes" in out, out

    out = describe_topic_configs(broker, topic_name)
    assert config_line(out, "retention.ms")[0] == "5555", out
    assert config_line(out, "no.such.config") is None and config_line(out, "cleanup.policy") is None
    out = tool("configs", broker, "--entity-type", "brokers", "--entity-name", "0", "--describe")
    assert "log.retention" not in out, out
    assert [r.offset for r in harness.kcat_consume(broker.bootstrap, topic_name)] == list(range(5))


def test_broker_dynamic_configs_round_trip_persist_and_show_their_source(broker_factory,
                                                                        topic_name):
    broker = broker_factory()
    create_topic(broker, topic_name)
    brokers = ["--entity-type", "brokers"]
    out = tool("configs", broker, *brokers, "--entity-name", "0", "--alter",
               "--add-config", "log.retention.ms=3600000,message.max.bytes=2000000")
    assert "Completed updating config for broker 0." in out, out
    tool("configs", broker, *brokers, "--entity-default", "--alter",
         "--add-config", "log.retention.ms=7200000")

    def check():
        out = tool("configs", broker, *brokers, "--entity-name", "0", "--describe")
        value, synonyms = config_line(out, "log.retention.ms")
        assert value == "3600000", out
        assert synonyms.startswith("DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000, "
                                   "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000"), out
        assert config_line(out, "message.max.bytes")[0] == "2000000", out
        out = tool("configs", broker, *brokers, "--entity-default", "--describe")
        assert config_line(out, "log.retention.ms")[0] == "7200000", out
        out = describe_topic_configs(broker, topic_name, all_configs=True)
        value, synonyms = config_line(out, "retention.ms")
        assert value == "3600000" and synonyms.startswith("DYNAMIC_BROKER_CONFIG:"), out
        assert config_line(out, "max.message.bytes")[0] == "2000000", out

    check()
    broker.restart()
    check()

    tool("configs", broker, *brokers, "--entity-name", "0", "--alter",
         "--delete-config", "log.retention.ms,message.max.bytes")
    out = describe_topic_configs(broker, topic_name, all_configs=True)
    value, synonyms = config_line(out, "retention.ms")
    assert value == "7200000" and synonyms.startswith("DYNAMIC_DEFAULT_BROKER_CONFIG:"), out
    assert config_line(out, "max.message.bytes")[0] == "1048588", out
    out = tool("configs", broker, *brokers, "--entity-name", "0", "--describe", "--all")
    assert re.search(r"^\s+log\.segment\.bytes=1073741824 sensitive=false synonyms=\{DEFAULT_CONFIG",
                     out, re.M), out


def test_log_dirs_describe_reports_partition_sizes(broker, java_programs, topic_name, tmp_path):
    create_topic(broker, topic_name, partitions=2)
    produce(broker, topic_name, tmp_path, 5, partition=1)
    out = tool("log-dirs", broker, "--describe", "--topic-list", topic_name)
    doc = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    [entry] = doc["brokers"]
    assert entry["broker"] == 0
    [log_dir] = entry["logDirs"]
    assert log_dir["error"] is None and log_dir["logDir"] == str(broker.data_dir.resolve())
    sizes = {p["partition"]: p["size"] for p in log_dir["partitions"]}
    on_disk = log_bytes(broker, topic_name, 1)
    assert sizes == {f"{topic_name}-0": 0, f"{topic_name}-1": on_disk}, log_dir
    assert all(p["offsetLag"] == 0 and not p["isFuture"] for p in log_dir["partitions"])

    # v4 adds the file system's total and usable bytes (the Java Admin client shows them).
    out = java_programs.run("LogDirs", broker.bootstrap, 0, check=True).stdout.decode()
    m = re.search(r"LogDirs dir=(\S+) total=(\d+) usable=(\d+) error=none", out)
    assert m and m[1] == str(broker.data_dir.resolve()), out
    assert 0 < int(m[3]) <= int(m[2]), out
    assert f"LogDirs partition={topic_name}-1 size={on_disk} lag=0 future=false" in out, out


def test_api_versions_advertise_the_admin_apis(broker):
    out = tool("broker-api-versions", broker)
    for api, lo, hi in [("DeleteRecords", 0, 2), ("AlterConfigs", 0, 2), ("DescribeLogDirs", 1, 4),
                        ("CreatePartitions", 0, 3), ("IncrementalAlterConfigs", 0, 1)]:
        m = re.search(rf"\b{api}\(\d+\): (\d+) to (\d+) \[usable: (\d+)\]", out)
        assert m and (int(m[1]), int(m[2])) == (lo, hi), f"{api} in:\n{out}"
