"""kafka-python 2.0.2: producer and assign()-mode consumer, keys, headers, gzip."""

import random

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

import harness


def consume_all(bootstrap, topic, partitions, expected, timeout_s=60):
    """Reads every partition from the beginning with assign(); no group, nothing committed."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", check_crcs=True, client_id="sluice-it")
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        got = []
        harness.wait_for(lambda: _poll_into(consumer, got) >= expected, timeout_s,
                         f"{expected} records from {topic}", interval=0)
        return got
    finally:
        consumer.close()


def _poll_into(consumer, got):
    for records in consumer.poll(timeout_ms=500).values():
        got.extend(records)
    return len(got)


@pytest.mark.parametrize("compression", ["gzip", None])
def test_python_roundtrip_with_keys_headers_and_compression(broker, topic_name, compression):
    partitions = 3
    harness.create_topic(broker.bootstrap, topic_name, partitions)
    rng = random.Random(7)
    sent = []
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all",
                             compression_type=compression, linger_ms=5, client_id="sluice-it")
    try:
        futures = []
        for i in range(3000):
            key = b"key-%05d" % i
            value = rng.randbytes(rng.randrange(0, 2000)) if i % 2 else b"text %d " % i * 20
            headers = [("idx", str(i).encode()), ("bin", bytes([0, 1, 254, 255]))]
            futures.append(producer.send(topic_name, key=key, value=value, headers=headers))
            sent.append((key, value, headers))
        producer.flush(timeout=60)
        acked = [f.get(timeout=30) for f in futures]
    finally:
        producer.close(timeout=30)

    got = consume_all(broker.bootstrap, topic_name, partitions, len(sent))

    assert len(got) == len(sent)
    by_key = {}
    for r in got:
        assert r.key not in by_key, f"{r.key} read twice"
        by_key[r.key] = r
    for (key, value, headers), md in zip(sent, acked):
        r = by_key[key]
        assert (r.partition, r.offset) == (md.partition, md.offset), key
        assert r.value == value, key
        assert list(r.headers) == headers, key
    for p in range(partitions):
        idx = [int(r.headers[0][1]) for r in sorted((r for r in got if r.partition == p),
                                                     key=lambda r: r.offset)]
        assert idx == sorted(idx), f"partition {p} not in send order"
    assert {md.partition for md in acked} == set(range(partitions))


def test_python_describe_configs_answers_for_a_topic(broker, topic_name):
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    harness.create_topic(broker.bootstrap, topic_name, 1)
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap, client_id="sluice-it")
    try:
        responses = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic_name)])
    finally:
        admin.close()

    resources = [res for resp in responses for res in resp.resources]
    assert len(resources) == 1, resources
    error_code, _msg, rtype, name, entries = resources[0][:5]
    assert (error_code, name) == (0, topic_name), resources[0]
    assert entries, "DescribeConfigs returned no config entries for the topic"
