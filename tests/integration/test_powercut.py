"""Durable mode against a simulated power cut: no acknowledged record is lost.

The broker runs with powercut/sync_journal.so preloaded, which journals, for every fsync or
fdatasync of a file in the data directory, the size the file had when the sync started. After
a SIGKILL under produce load, the test cuts the power in simulation: every partition segment
(.log) is truncated back to its last journaled size, that is, to what the broker had made
durable; in half of the cycles a random part of the unsynced tail survives, as partial
writeback would leave it. The broker then restarts (crash recovery) and a consumer must find
every acknowledged record at its acknowledged offset.

The control case runs the same cut against the default mode (acknowledged once written, not
synced): it must lose acknowledged records, which proves the simulation can fail a broker.

What is not simulated: the metadata store (RocksDB syncs its own write-ahead log; its files
are left alone) and lost directory entries (a segment created but never synced is emptied,
not removed). Environment: SLUICE_POWERCUT_CYCLES (default 3), SLUICE_POWERCUT_SEED.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

import harness
from test_crash import acked_value, count_lines, read_acks

pytestmark = [pytest.mark.slow, pytest.mark.java]

HERE = Path(__file__).resolve().parent
PARTITIONS = 3


@pytest.fixture
def broker_bin(request) -> Path:
    return Path(request.config.getoption("--broker-bin"))


@pytest.fixture(scope="module")
def sync_journal_lib(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("powercut") / "sync_journal.so"
    harness.run([os.environ.get("CC", "cc"), "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror",
                 "-shared", "-fPIC", "-o", str(out), str(HERE / "powercut" / "sync_journal.c"),
                 "-ldl"], timeout=120)
    return out


def segment_files(data_dir: Path) -> list[Path]:
    """Partition segment files (<topic>-<p>/<base offset>.log); not the metadata store's."""
    return sorted(p for p in data_dir.glob("*/*.log") if p.parent.name != "metadata")


def cut_power(data_dir: Path, journal: Path, baseline: dict[str, int], rng: random.Random,
              keep_some_unsynced: bool) -> tuple[int, int]:
    """Truncates every segment to what was durable; returns (files cut, bytes dropped)."""
    durable = dict(baseline)
    if journal.exists():
        for line in journal.read_text().splitlines():
            size, path = line.split(" ", 1)
            durable[path] = int(size)
    cut = dropped = 0
    for seg in segment_files(data_dir):
        actual = seg.stat().st_size
        keep = min(durable.get(str(seg), 0), actual)
        if keep < actual and keep_some_unsynced:
            keep = rng.randint(keep, actual)
        if keep < actual:
            os.truncate(seg, keep)
            cut += 1
            dropped += actual - keep
    return cut, dropped


def produce_then_cut(tmp_path: Path, java_programs, lib: Path, binary: Path, rng: random.Random,
                     durable: bool, keep_some_unsynced: bool, name: str) -> dict:
    """One cycle: load, SIGKILL, power cut, restart; returns what was acked and what is left."""
    work = tmp_path / name
    journal = work / "sync-journal.txt"
    work.mkdir()
    data_dir = work / "data"
    mode_flags = ["--log-flush-interval-messages", "1"] if durable else []
    prefix = ["env", f"LD_PRELOAD={lib}", f"SLUICE_POWERCUT_JOURNAL={journal}",
              f"SLUICE_POWERCUT_DIR={data_dir}"]
    broker = harness.Broker(binary=binary, workdir=work, extra_args=mode_flags,
                            prefix=prefix)
    topic = f"powercut-{name}"
    acks_path = work / "acks.txt"
    producer = None
    try:
        broker.start()
        baseline = {str(p): p.stat().st_size for p in segment_files(data_dir)}
        # Bounded load: at most 60k records or 30 s.
        cmd = java_programs.command("AckedProducer", broker.bootstrap, topic, PARTITIONS,
                                    "idempotent", 60_000, 30, 4_000, acks_path)
        with open(work / "producer.out", "wb") as out, open(work / "producer.err", "wb") as err:
            producer = subprocess.Popen(cmd, stdout=out, stderr=err)
        target = rng.randint(1_000, 8_000)
        harness.wait_for(lambda: count_lines(acks_path) >= target or producer.poll() is not None,
                         90, f"{target} acknowledged records", 0.02)
        assert producer.poll() is None, harness.tail(work / "producer.err")
        flush_counters = scrape_flush_counters(broker)
        broker.kill9(restart=False)
    finally:
        if producer is not None and producer.poll() is None:
            producer.kill()
            producer.wait()
        broker.close()
    cut, dropped = cut_power(data_dir, journal, baseline, rng, keep_some_unsynced)

    restarted = harness.Broker(binary=binary, workdir=work)
    try:
        restarted.start()
        consumed = {}
        for p in range(PARTITIONS):
            for r in harness.kcat_consume(restarted.bootstrap, topic, p):
                i = int(r.key[2:])
                assert r.value == acked_value(i), f"record {i} corrupted"
                consumed[i] = (p, r.offset)
        # The log takes new records after the cut, at the offset after what survived.
        harness.kcat_produce(restarted.bootstrap, topic, work, [(b"after", b"cut")], partition=0)
        tail = harness.kcat_consume(restarted.bootstrap, topic, 0)[-1]
        assert (tail.key, tail.value) == (b"after", b"cut")
        restarted.stop()
    finally:
        restarted.close()
    acks = read_acks(acks_path)
    lost = sorted(i for i in acks if acks[i] != consumed.get(i))
    return {"acked": len(acks), "lost": lost, "cut_files": cut, "dropped_bytes": dropped,
            **flush_counters}


def scrape_flush_counters(broker: harness.Broker) -> dict[str, float]:
    status, body = broker.http_get("/metrics")
    assert status == 200
    out = {}
    for line in body.decode().splitlines():
        if line.startswith("sluice_log_flush_"):
            name, value = line.split()
            out[name.removeprefix("sluice_log_flush_")] = float(value)
    return out


def test_durable_mode_keeps_every_acknowledged_record_through_power_cuts(
        tmp_path, java_programs, sync_journal_lib, broker_bin):
    seed = int(os.environ.get("SLUICE_POWERCUT_SEED", "20261126"))
    cycles = int(os.environ.get("SLUICE_POWERCUT_CYCLES", "3"))
    rng = random.Random(seed)
    for c in range(cycles):
        result = produce_then_cut(tmp_path, java_programs, sync_journal_lib, broker_bin, rng, durable=True,
                                  keep_some_unsynced=c % 2 == 1, name=f"durable{c}")
        print(f"cycle {c} (seed {seed}): {result['acked']} acked, {result['cut_files']} segments "
              f"cut, {result['dropped_bytes']} unsynced bytes dropped; flusher before the kill: "
              f"{result['requests_total']:.0f} requests, {result['syncs_total']:.0f} fdatasyncs in "
              f"{result['rounds_total']:.0f} rounds")
        assert result["requests_total"] >= result["syncs_total"] > 0, result
        assert not result["lost"], (f"cycle {c} (seed {seed}): {len(result['lost'])} of "
                                    f"{result['acked']} acknowledged records lost, first "
                                    f"{result['lost'][:10]}")


def test_default_mode_can_lose_acknowledged_records_in_a_power_cut(
        tmp_path, java_programs, sync_journal_lib, broker_bin):
    """The control: without durable mode the same cut loses acked records (the simulation bites)."""
    rng = random.Random(7)
    result = produce_then_cut(tmp_path, java_programs, sync_journal_lib, broker_bin, rng, durable=False,
                              keep_some_unsynced=False, name="default")
    assert result["cut_files"] > 0 and result["lost"], result
    assert result["requests_total"] == 0, "the default mode waits for no fdatasync"
