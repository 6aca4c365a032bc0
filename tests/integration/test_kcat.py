"""kcat (librdkafka 2.0.2) against the broker: produce and consume, every codec, byte-exact."""

import json
import random

import pytest

import harness

pytestmark = pytest.mark.kcat

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
RECORDS_PER_CODEC = 3000
HEADERS = [("trace", "abc-123"), ("empty", ""), ("spaces", "x y z"), ("utf8", "h\u00e9llo")]


def make_records(seed: int, n: int) -> list[tuple[bytes, bytes]]:
    """n (key, value) pairs: binary and text, empty values, all distinct keys, kcat-safe."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        i = len(out)
        key = b"k%06d-" % i + rng.randbytes(rng.randrange(0, 24))
        kind = i % 4
        if kind == 0:
            value = rng.randbytes(rng.randrange(0, 3000))  # binary, NULs included
        elif kind == 1:
            value = (b"line %d of text\n" % i) * rng.randrange(1, 60)  # compressible
        elif kind == 2:
            value = b""  # empty, not NULL
        else:
            value = bytes([0, 255, 10, 13]) * rng.randrange(1, 100)
        if harness.kcat_safe(key) and harness.kcat_safe(value):
            out.append((key, value))
    return out


def expected_headers() -> tuple:
    return tuple((name, value.encode()) for name, value in HEADERS)


@pytest.mark.parametrize("codec", CODECS)
def test_kcat_roundtrip_is_byte_exact_with_keys_and_headers(broker, tmp_path, topic_name, codec):
    records = make_records(seed=CODECS.index(codec), n=RECORDS_PER_CODEC)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records, headers=HEADERS,
                         extra=["-X", f"compression.codec={codec}", "-X", "linger.ms=20"])

    got = harness.kcat_consume(broker.bootstrap, topic_name, partition=0)

    assert len(got) == len(records), f"produced {len(records)}, consumed {len(got)}"
    assert [r.offset for r in got] == list(range(len(records))), "offsets are not 0..n-1"
    for i, (rec, (key, value)) in enumerate(zip(got, records)):
        assert rec.partition == 0
        assert rec.key == key, f"record {i}: key differs"
        assert rec.value == value, f"record {i}: value differs ({len(rec.value or b'')} vs {len(value)} bytes)"
        assert rec.headers == expected_headers(), f"record {i}: headers {rec.headers}"
    # The client really compressed: librdkafka silently sends some codecs uncompressed
    # when the broker's ApiVersions lack what it looks for (lz4 needs FindCoordinator v0).
    codecs = harness.stored_batch_codecs(broker.partition_dir(topic_name, 0))
    assert codecs, "no batches found in the partition's segments"
    assert harness.CODEC_IDS[codec] in codecs, f"stored batches use codecs {set(codecs)}, not {codec}"


def test_kcat_null_keys_and_null_values_are_kept_apart_from_empty_ones(broker, tmp_path, topic_name):
    # With -Z kcat sends an empty key or value as NULL; without it, as empty.
    data = b"k1\x1e\x1fv1\x1c\x1d\x1e" b"\x1e\x1fv2\x1c\x1d\x1e" b"k3\x1e\x1f\x1c\x1d\x1e"
    path = tmp_path / "nulls.bin"
    path.write_bytes(data)
    args = ["-P", "-t", topic_name, "-p", "0", "-D", r"\x1c\x1d\x1e", "-K", r"\x1e\x1f", "-l", str(path)]
    harness.kcat(broker.bootstrap, *args, "-Z")
    harness.kcat(broker.bootstrap, *args)

    got = harness.kcat_consume(broker.bootstrap, topic_name)

    assert [(r.offset, r.key, r.value) for r in got] == [
        (0, b"k1", b"v1"), (1, None, b"v2"), (2, b"k3", None),
        (3, b"k1", b"v1"), (4, b"", b"v2"), (5, b"k3", b"")]


def test_kcat_metadata_lists_topic_with_leader_on_this_broker(broker, tmp_path, topic_name):
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, [(b"k", b"v")])

    meta = json.loads(harness.kcat(broker.bootstrap, "-L", "-J").stdout)

    topics = {t["topic"]: t for t in meta["topics"]}
    assert topic_name in topics, f"{topic_name} missing from -L: {sorted(topics)}"
    assert "error" not in topics[topic_name], topics[topic_name]
    parts = topics[topic_name]["partitions"]
    assert [p["partition"] for p in parts] == [0]
    assert [b["name"] for b in meta["brokers"]] == [broker.bootstrap]
    assert parts[0]["leader"] == meta["brokers"][0]["id"]

    text = harness.kcat(broker.bootstrap, "-L", "-t", topic_name).stdout.decode()
    assert f'topic "{topic_name}" with 1 partitions' in text, text


def test_kcat_consume_from_offset_returns_the_tail(broker, tmp_path, topic_name):
    # A fetch from the middle of a batch must return the batch holding that offset; the client
    # drops the earlier records. Produce one compressed batch-heavy run, then read from inside it.
    records = make_records(seed=99, n=500)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records,
                         extra=["-X", "compression.codec=lz4", "-X", "linger.ms=50"])
    start = 321
    proc = harness.kcat(broker.bootstrap, "-C", "-t", topic_name, "-p", "0", "-o", str(start), "-e",
                        "-f", harness.KCAT_FORMAT)
    got = harness.parse_kcat_output(proc.stdout)

    assert [r.offset for r in got] == list(range(start, len(records)))
    assert [(r.key, r.value) for r in got] == records[start:]
