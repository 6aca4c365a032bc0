"""Log compaction (cleanup.policy=compact) seen by real clients: kcat produces many updates per
key, the broker's cleaner compacts the closed segments, and kcat, Kafka's Java console consumer
and kafka-python read exactly one record per key (the latest) from the compacted part, with
increasing offsets. Tombstones disappear after delete.retention.ms. A broker killed with
SIGKILL while it compacts under load keeps every key's latest acknowledged value.
"""

import random
import re
import threading
import time

import pytest
from kafka import KafkaConsumer, TopicPartition

import harness

pytestmark = pytest.mark.java

ONE_PER_BATCH = ["-X", "batch.num.messages=1", "-X", "linger.ms=0", "-X", "queue.buffering.max.ms=0"]


def create_compacted(broker, topic, *configs):
    # Through kafka-python: Kafka 4's TopicCommand refuses segment.bytes below 1 MiB itself.
    settings = dict(c.split("=", 1) for c in ("cleanup.policy=compact", "segment.bytes=4000",
                                              "min.cleanable.dirty.ratio=0.01", *configs))
    harness.create_topic(broker.bootstrap, topic, 1, configs=settings)


def metric(broker, name):
    _, body = broker.http_get("/metrics")
    m = re.search(rf"^{re.escape(name)} (\S+)$", body.decode(), re.M)
    return float(m[1]) if m else 0.0


def dir_bytes(broker, topic):
    return harness.log_bytes(broker.partition_dir(topic, 0))


def updates(rounds, keys, size=60, tag="v"):
    return [(f"key{k}".encode(), (f"{tag}{r}-{k}-".encode() + b"x" * size)[:size])
            for r in range(rounds) for k in range(keys)]


def filler(n, start=0, size=200):
    """Records with fresh keys that push the updates into closed segments."""
    return [(f"fill{start + i}".encode(), b"f" * size) for i in range(n)]


def latest_by_key(records):
    out = {}
    for r in records:
        out[r.key] = r
    return out


def wait_compacted(broker, topic, keys, timeout=60):
    """Until kcat reads each update key exactly once below the last filler record."""
    def done():
        records = harness.kcat_consume(broker.bootstrap, topic)
        seen = [r.key for r in records if r.key.startswith(b"key")]
        return len(seen) == keys and len(set(seen)) == keys
    harness.wait_for(done, timeout, f"compaction of {topic}", interval=0.5)


def test_compaction_keeps_the_latest_value_per_key_for_kcat_java_and_python(
        broker_factory, topic_name, tmp_path):
    broker = broker_factory("--log-cleaner-backoff-ms", "100")
    create_compacted(broker, topic_name)
    keys, rounds = 20, 40
    # Batches of one record each, then the last two rounds in batches of many records
    # (kcat's default batching) compressed with gzip, which the cleaner thins to the last
    # round and recompresses.
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         updates(rounds, keys)[:keys * (rounds - 2)], extra=ONE_PER_BATCH)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         updates(rounds, keys)[keys * (rounds - 2):], extra=["-z", "gzip"])
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, filler(60), extra=ONE_PER_BATCH)
    before = sum(len(k) + len(v) for k, v in updates(rounds, keys))
    started = time.monotonic()
    wait_compacted(broker, topic_name, keys)
    print(f"compacted within {time.monotonic() - started:.1f}s; .log bytes now "
          f"{dir_bytes(broker, topic_name)} (update payload produced: {before})")
    assert metric(broker, "sluice_log_cleaner_compactions_total") >= 1
    assert metric(broker, "sluice_log_cleaner_removed_records_total") >= keys * (rounds - 2)
    assert metric(broker, "sluice_log_cleaner_removed_bytes_total") > 0
    assert "compacted offsets" in broker.stderr_path.read_text() + broker.stdout_path.read_text()
    assert 1 in harness.stored_batch_codecs(broker.partition_dir(topic_name, 0))  # gzip kept

    records = harness.kcat_consume(broker.bootstrap, topic_name)
    offsets = [r.offset for r in records]
    assert offsets == sorted(set(offsets))
    assert offsets[-1] == keys * rounds + 60 - 1  # the log end is unchanged
    latest = {k: v for k, v in updates(rounds, keys)}
    got = {r.key: r.value for r in records if r.key.startswith(b"key")}
    assert got == latest
    expected = [(r.offset, r.key, r.value) for r in records]

    # ListOffsets by timestamp lands on a record that survived (offset 0 is gone): the broker
    # decodes thinned batches to find it.
    out = harness.kcat(broker.bootstrap, "-Q", "-t", f"{topic_name}:0:0").stdout.decode()
    m = re.search(r"offset (-?\d+)", out)
    assert m and int(m[1]) == records[0].offset > 0, out

    # Kafka's Java console consumer from the beginning sees the same records.
    out = harness.kafka_tool(
        "console-consumer", "--bootstrap-server", broker.bootstrap, "--topic", topic_name,
        "--partition", "0", "--offset", "earliest", "--max-messages", str(len(records)),
        "--timeout-ms", "60000", "--consumer-property", "enable.auto.commit=false",
        "--property", "print.key=true", "--property", "key.separator=\t",
        "--property", "print.offset=true").stdout.decode()
    java = []
    for line in out.splitlines():
        m = re.match(r"Offset:(\d+)\t([^\t]*)\t(.*)$", line)
        if m:
            java.append((int(m[1]), m[2].encode(), m[3].encode()))
    assert java == expected

    # kafka-python 2.0.2 with assign() from the beginning.
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             check_crcs=True, client_id="sluice-it")
    try:
        tp = TopicPartition(topic_name, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        got_py = []

        def poll():
            for batch in consumer.poll(timeout_ms=500).values():
                got_py.extend((m.offset, m.key, m.value) for m in batch)
            return len(got_py) >= len(expected)
        harness.wait_for(poll, 60, "kafka-python to read the compacted log", interval=0)
    finally:
        consumer.close()
    assert got_py == expected

    # A clean restart and a crash restart keep the compacted log as it is.
    broker.restart()
    assert [(r.offset, r.key, r.value) for r in harness.kcat_consume(broker.bootstrap, topic_name)] \
        == expected
    broker.kill9()
    assert [(r.offset, r.key, r.value) for r in harness.kcat_consume(broker.bootstrap, topic_name)] \
        == expected


def test_tombstone_removes_its_key_after_delete_retention(broker_factory, topic_name, tmp_path):
    broker = broker_factory("--log-cleaner-backoff-ms", "100")
    create_compacted(broker, topic_name, "delete.retention.ms=3000")
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, updates(5, 3), extra=ONE_PER_BATCH)
    # kcat -Z turns an empty value into a null one: a tombstone for key1.
    harness.kcat(broker.bootstrap, "-P", "-t", topic_name, "-Z", "-K", ":",
                 input=b"key1:\n")
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, filler(40), extra=ONE_PER_BATCH)

    def keys_now():
        return {r.key: r.value for r in harness.kcat_consume(broker.bootstrap, topic_name)
                if r.key.startswith(b"key")}
    # First the older values of key1 go, the tombstone itself stays (younger than 3 s).
    harness.wait_for(lambda: keys_now().get(b"key1", b"") is None and len(keys_now()) == 3, 30,
                     "key1 reduced to its tombstone")
    produced = time.monotonic()
    # After delete.retention.ms, the next pass (new dirty data) drops the tombstone.
    n = 40
    def gone():
        nonlocal n
        harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, filler(20, start=n),
                             extra=ONE_PER_BATCH)
        n += 20
        return b"key1" not in keys_now()
    harness.wait_for(gone, 60, "the tombstone of key1 to be removed", interval=1)
    assert time.monotonic() - produced >= 2.0  # not before its time (3 s from its timestamp)
    assert set(keys_now()) == {b"key0", b"key2"}


def test_sigkill_during_compaction_keeps_every_latest_acknowledged_value(
        broker_factory, topic_name, tmp_path):
    broker = broker_factory("--log-cleaner-backoff-ms", "20")
    create_compacted(broker, topic_name, "segment.bytes=2000")
    keys = 30
    acked = {}  # key -> round of its latest acknowledged value
    rng = random.Random(11)
    kills = 0
    for rnd in range(24):
        killer = None
        if rnd % 3 == 2:  # kill in the middle of this round's production and compaction
            delay = rng.uniform(0.05, 0.6)
            killer = threading.Timer(delay, lambda: broker._kill_group())
            killer.start()
        records = [(f"key{k}".encode(), f"r{rnd}-{k}-".encode() + b"y" * 40) for k in range(keys)]
        proc = harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records,
                                    extra=ONE_PER_BATCH + ["-X", "message.timeout.ms=3000"],
                                    timeout=60) if killer is None else None
        if killer is not None:
            path = tmp_path / f"round{rnd}.bin"
            path.write_bytes(b"".join(k + harness.KCAT_KEY_DELIM + v + harness.KCAT_MSG_DELIM
                                      for k, v in records))
            proc = harness.kcat(broker.bootstrap, "-P", "-t", topic_name, "-D", r"\x1c\x1d\x1e",
                                "-K", r"\x1e\x1f", "-l", str(path), *ONE_PER_BATCH,
                                "-X", "message.timeout.ms=3000", check=False, timeout=60)
            killer.join()
            if not broker.alive():
                kills += 1
                broker.start()
        if proc.returncode == 0:
            for k in range(keys):
                acked[f"key{k}".encode()] = rnd
    assert kills >= 1
    assert len(acked) == keys
    # Let the cleaner finish, then check every key's value against what was acknowledged.
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, filler(30), extra=ONE_PER_BATCH)
    time.sleep(1)
    records = harness.kcat_consume(broker.bootstrap, topic_name)
    offsets = [r.offset for r in records]
    assert offsets == sorted(set(offsets))
    last = latest_by_key(records)
    for key, rnd in acked.items():
        value = last[key].value
        got_round = int(value.split(b"-")[0][1:])
        assert got_round >= rnd, (key, value, rnd)
    text = broker.stderr_path.read_text() + broker.stdout_path.read_text()
    print(f"{kills} kills; {text.count('compacted offsets')} compactions logged; "
          f"{text.count('interrupted compaction')} interrupted ones completed at restart")
