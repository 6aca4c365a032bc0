"""A full disk: produce gets KAFKA_STORAGE_ERROR, nothing unwritten is acknowledged, the broker
keeps serving reads, and once space returns it takes writes again without a restart.

The data directory sits on a small tmpfs mounted by the test (needs root, which CI has); a
filler file takes all but a few MiB, so the partition log runs out of space mid-load.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import kafka.errors
from kafka import KafkaProducer
from kafka.errors import KafkaError

import harness


class KafkaStorageError(kafka.errors.BrokerResponseError):
    """Error 56, which kafka-python 2.0.2 does not know (it would report UnknownError)."""
    errno = 56
    message = "KAFKA_STORAGE_ERROR"
    retriable = True


kafka.errors.kafka_errors.setdefault(56, KafkaStorageError)

FS_BYTES = 32 * 1024 * 1024
HEADROOM = 3 * 1024 * 1024
VALUE_BYTES = 16 * 1024


@pytest.fixture
def small_fs(tmp_path):
    mnt = tmp_path / "small-fs"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_BYTES}", "tmpfs", str(mnt)],
                          capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        pytest.fail(f"mounting a tmpfs for the disk-full test failed (needs root): {proc.stderr}",
                    pytrace=False)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)


def fill(path: Path, leave: int) -> None:
    st = os.statvfs(path.parent)
    size = max(0, st.f_bavail * st.f_frsize - leave)
    with open(path, "wb") as f:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            f.write(chunk[:min(size, len(chunk))])
            size -= min(size, len(chunk))


def value(i: int) -> bytes:
    return (b"%08d" % i) * (VALUE_BYTES // 8)


def produce(bootstrap: str, topic: str, first: int, count: int) -> tuple[dict, list]:
    """Sends records first..first+count-1 one by one (acks=all, no retries): ({i: offset}, errors)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=0,
                             max_request_size=1 << 20, request_timeout_ms=10000)
    acked, errors = {}, []
    try:
        for i in range(first, first + count):
            try:
                acked[i] = producer.send(topic, value=value(i), key=b"%d" % i,
                                         partition=0).get(timeout=20).offset
            except KafkaError as e:
                errors.append(type(e).__name__)
    finally:
        producer.close(timeout=10)
    return acked, errors


def check_stored(bootstrap: str, topic: str, acked: dict) -> list:
    records = harness.kcat_consume(bootstrap, topic, 0)
    by_offset = {r.offset: r for r in records}
    for i, offset in acked.items():
        r = by_offset.get(offset)
        assert r is not None and r.value == value(i), f"acked record {i} at {offset} missing"
    assert [r.offset for r in records] == list(range(len(records))), "offset gap"
    return records


def test_full_disk_refuses_writes_keeps_reads_and_recovers_when_space_returns(
        small_fs, tmp_path, request, topic_name):
    broker = harness.Broker(binary=Path(request.config.getoption("--broker-bin")),
                            workdir=tmp_path / "broker")
    broker.data_dir = small_fs / "data"
    try:
        broker.start()
        harness.create_topic(broker.bootstrap, topic_name, 1)
        filler = small_fs / "filler"
        fill(filler, HEADROOM)

        acked, errors = produce(broker.bootstrap, topic_name, 0, 400)
        assert acked and errors, f"expected the disk to fill: {len(acked)} acked, {errors[:3]}"
        assert set(errors) == {"KafkaStorageError"}, errors[:10]
        assert broker.alive() and broker.http_get("/healthz")[0] == 200
        check_stored(broker.bootstrap, topic_name, acked)  # reads work on a full disk

        filler.unlink()  # Space returns; no restart.
        more, errors = produce(broker.bootstrap, topic_name, 1000, 50)
        assert not errors and len(more) == 50, errors[:5]
        harness.create_topic(broker.bootstrap, topic_name + "-new", 1)  # Metadata writes work.
        records = check_stored(broker.bootstrap, topic_name, {**acked, **more})
        assert len(records) == len(acked) + len(more), "an unacknowledged record was stored"

        broker.restart()  # Clean stop (exit 0) and start: everything is still there.
        check_stored(broker.bootstrap, topic_name, {**acked, **more})
        broker.stop()
    finally:
        broker.close()
