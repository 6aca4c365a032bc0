"""Open files: what a broker holds per partition and segment, and what happens at the limit.

The broker runs under `prlimit --nofile=N:N`, so the limit is reached with a few hundred
partitions instead of tens of thousands.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

import harness


def start_limited(broker_bin: str, workdir: Path, nofile: int, *args: str) -> harness.Broker:
    broker = harness.Broker(binary=Path(broker_bin), workdir=workdir, extra_args=args,
                            prefix=["prlimit", f"--nofile={nofile}:{nofile}", "--"])
    broker.start()
    return broker


def metric(broker: harness.Broker, name: str) -> float:
    status, body = broker.http_get("/metrics")
    assert status == 200
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def files_under(pid: int, directory: Path) -> int:
    count = 0
    prefix = str(directory) + "/"
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith(prefix):
                count += 1
        except OSError:
            continue  # closed meanwhile
    return count


def create(bootstrap: str, name: str, partitions: int, configs: dict[str, str] | None = None):
    """CreateTopics; returns (error_code, error_message) of the one topic."""
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=60000)
    try:
        resp = admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs or {})],
                                   timeout_ms=60000)
        return next((e[1], e[2]) for e in resp.topic_errors if e[0] == name)
    except Exception as e:  # kafka-python raises for any topic error; take it from the text
        return -1, str(e)
    finally:
        admin.close()


def records(n: int, tag: str) -> list[tuple[bytes, bytes]]:
    return [(b"k%d" % i, (b"%s-%05d-" % (tag.encode(), i)) + b"x" * 900) for i in range(n)]


@pytest.fixture
def broker_bin(request) -> str:
    return request.config.getoption("--broker-bin")


def test_limit_is_reported_and_a_topic_that_would_pass_it_is_refused_whole(broker_bin, tmp_path):
    broker = start_limited(broker_bin, tmp_path / "b", 1000)
    try:
        assert metric(broker, "process_max_fds") == 1000
        open_now = len(os.listdir(f"/proc/{broker.pid}/fd"))
        assert abs(metric(broker, "process_open_fds") - open_now) <= 4
        assert "open files limit 1000" in broker.stderr_path.read_text()

        harness.create_topic(broker.bootstrap, "fits", 100)
        code, message = create(broker.bootstrap, "toomany", 300)
        assert code != 0
        assert "open-files limit" in message and "ulimit -n" in message, message
        assert not list(broker.data_dir.glob("toomany-*"))
        listed = harness.kcat(broker.bootstrap, "-L", timeout=30).stdout
        assert b'"toomany"' not in listed and b"fits" in listed

        # Everything else keeps working, and the refusal survives a restart unchanged.
        harness.kcat_produce(broker.bootstrap, "fits", tmp_path, records(20, "a"), partition=7)
        broker.restart()
        assert not list(broker.data_dir.glob("toomany-*"))
        assert b'"toomany"' not in harness.kcat(broker.bootstrap, "-L", timeout=30).stdout
        got = harness.kcat_consume(broker.bootstrap, "fits", 7, timeout=45)
        assert [(r.key, r.value) for r in got] == records(20, "a")
        broker.stop()
    finally:
        broker.close()


def test_closed_segments_hold_one_descriptor_each(broker_factory, tmp_path):
    broker = broker_factory()
    harness.create_topic(broker.bootstrap, "rolled", 1, configs={"segment.bytes": "30000"})
    sent = []
    for round_ in range(8):  # one kcat run per round: each lands in a batch of its own
        batch = records(20, f"r{round_}")
        harness.kcat_produce(broker.bootstrap, "rolled", tmp_path, batch, partition=0)
        sent += batch
    directory = broker.partition_dir("rolled", 0)

    def check() -> None:
        segments = len(list(directory.glob("*.log")))
        assert segments >= 5
        # One .log per closed segment; the active one also holds its two index files.
        assert files_under(broker.pid, directory) == segments + 2
        got = harness.kcat_consume(broker.bootstrap, "rolled", 0, timeout=45)
        assert [(r.key, r.value) for r in got] == sent

    check()
    broker.restart()  # clean: opened from the checkpoint
    check()
    broker.kill9()  # recovery scans every segment
    check()


def test_accept_at_the_descriptor_limit_waits_and_recovers(broker_bin, tmp_path):
    broker = start_limited(broker_bin, tmp_path / "b", 200)
    held: list[socket.socket] = []
    try:
        harness.create_topic(broker.bootstrap, "t", 1)
        host, port = broker.bootstrap.split(":")
        for _ in range(260):  # more than the broker can accept; the rest wait in the backlog
            s = socket.create_connection((host, int(port)), timeout=5)
            held.append(s)
        harness.wait_for(lambda: "accept failed, retrying" in broker.stderr_path.read_text(),
                         20, "the broker to report the failed accept")
        harness.wait_for(lambda: len(os.listdir(f"/proc/{broker.pid}/fd")) >= 195, 20,
                         "the broker to reach its descriptor limit", interval=0.5)
        for s in held:
            s.close()
        held.clear()
        harness.kcat_produce(broker.bootstrap, "t", tmp_path, records(5, "after"), partition=0)
        got = harness.kcat_consume(broker.bootstrap, "t", 0, timeout=45)
        assert [(r.key, r.value) for r in got] == records(5, "after")
        log = broker.stderr_path.read_text()
        # Reported once per streak, not once per retry (a spinning accept logs thousands).
        assert log.count("accept failed, retrying") == 1, log.count("accept failed")
        assert "accepting connections again" in log
        broker.stop()
    finally:
        for s in held:
            s.close()
        broker.close()
