"""A partition whose log cannot be opened goes offline alone; the broker serves the rest.

The damage is a segment file replaced by a directory: the log loader cannot read it, whatever
the user running the tests (root reads files whatever their mode, so chmod would not do).
"""

from __future__ import annotations

import shutil

import harness


def records(tag: str, n: int) -> list[tuple[bytes, bytes]]:
    return [(b"%s-%d" % (tag.encode(), i), b"value %s %d" % (tag.encode(), i)) for i in range(n)]


def test_damaged_partition_goes_offline_and_the_others_stay_served(broker_factory, tmp_path):
    broker = broker_factory()
    for topic in ("healthy", "damaged"):
        harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--create",
                           "--topic", topic, "--partitions", "2")
        for partition in (0, 1):
            harness.kcat_produce(broker.bootstrap, topic, tmp_path, records(f"{topic}{partition}", 5),
                                 partition=partition)
    broker.stop()

    segment = broker.partition_dir("damaged", 1) / "00000000000000000000.log"
    saved = tmp_path / "saved-segment"
    shutil.copy2(segment, saved)
    segment.unlink()
    (segment / "unreadable").mkdir(parents=True)
    broker.start()
    assert "damaged-1 is OFFLINE" in broker.stderr_path.read_text(errors="replace")

    # Everything else is served as before, including the other partition of the same topic.
    for topic, partition in (("healthy", 0), ("healthy", 1), ("damaged", 0)):
        got = harness.kcat_consume(broker.bootstrap, topic, partition, timeout=45)
        assert [(r.key, r.value) for r in got] == records(f"{topic}{partition}", 5), (topic, partition)

    # Clients see the partition leaderless (Kafka's "Leader not available"), and writes to it fail
    # with an error rather than landing in a fresh empty log over the damaged one.
    meta = harness.kcat(broker.bootstrap, "-L", "-t", "damaged").stdout.decode()
    assert "partition 1, leader -1" in meta and "Leader not available" in meta, meta
    describe = harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--describe",
                                  "--topic", "damaged").stdout.decode()
    assert "Leader: none" in describe, describe
    failed = harness.run(["kcat", "-b", broker.bootstrap, "-m", "15", "-P", "-t", "damaged",
                          "-p", "1", "-X", "message.timeout.ms=3000"],
                         timeout=60, input=b"late\n", check=False)
    assert failed.returncode != 0, "a produce to the offline partition was acknowledged"
    assert (segment / "unreadable").is_dir(), "the damaged files were touched"

    # Repair: put the segment back and restart; every record is there again.
    broker.stop()
    shutil.rmtree(segment)
    shutil.copy2(saved, segment)
    broker.start()
    got = harness.kcat_consume(broker.bootstrap, "damaged", 1, timeout=45)
    assert [(r.key, r.value) for r in got] == records("damaged1", 5)


def test_deleting_a_topic_with_an_offline_partition_frees_its_name(broker_factory, tmp_path):
    broker = broker_factory()
    harness.kcat_produce(broker.bootstrap, "doomed", tmp_path, records("old", 3), partition=0)
    broker.stop()
    segment = broker.partition_dir("doomed", 0) / "00000000000000000000.log"
    segment.unlink()
    segment.mkdir()
    broker.start()

    harness.kafka_tool("topics", "--bootstrap-server", broker.bootstrap, "--delete",
                       "--topic", "doomed")
    harness.wait_for(lambda: not broker.partition_dir("doomed", 0).exists(), 30,
                     "the offline partition's directory to be removed")
    harness.kcat_produce(broker.bootstrap, "doomed", tmp_path, records("new", 2), partition=0)
    got = harness.kcat_consume(broker.bootstrap, "doomed", 0, timeout=45)
    assert [(r.key, r.value) for r in got] == records("new", 2)
