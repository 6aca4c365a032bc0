"""librdkafka 2.0.2 through clients/rdkafka_roundtrip.c: idempotent acks=all round trip."""

import re

import pytest

import harness

pytestmark = pytest.mark.rdkafka


@pytest.mark.parametrize("partitions,codec", [(3, "none"), (4, "lz4"), (2, "gzip"), (1, "zstd"),
                                              (3, "snappy")])
def test_rdkafka_idempotent_roundtrip_reads_each_record_once_in_order(broker, rdkafka_roundtrip,
                                                                     topic_name, partitions, codec):
    count = 20000
    proc = harness.run([rdkafka_roundtrip, broker.bootstrap, topic_name, count, partitions, codec, 150],
                       timeout=200, check=False)
    out = proc.stdout.decode()

    assert proc.returncode == 0, f"{out}\n{proc.stderr.decode()[-3000:]}"
    assert f"rdkafka_roundtrip PASS records={count} partitions={partitions}" in out, out
    used = int(re.search(r"partitions_used=(\d+)", out).group(1))
    assert used == partitions, f"keys should spread over all partitions: {out}"
