"""Crash safety: SIGKILL under produce load, and torn or damaged segment tails on restart.

Environment knobs (defaults keep the file under ~3 minutes against a fast broker):
  SLUICE_TORN_SEED     seed of the damage generator (default 20240611)
  SLUICE_TORN_CYCLES   broker restarts in the torn-tail test (default 40; 6 topics damaged each)
  SLUICE_TORN_BUDGET_S stop starting new cycles after this many seconds (default 150)
  SLUICE_TORN_VARIANTS which pristine states to damage: clean (after SIGTERM), killed (after
                       SIGKILL), or both, comma-separated (default clean,killed)
"""

from __future__ import annotations

import concurrent.futures
import os
import random
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

import harness

pytestmark = pytest.mark.slow

# --------------------------------------------------------------------------------------------
# (a) SIGKILL during a produce load


def acked_value(i: int) -> bytes:
    """Value of record i as java/AckedProducer.java writes it."""
    return (f"v-{i:09d}:" + "".join(chr(ord("a") + (i + k) % 26) for k in range(100))).encode()


def read_acks(path: Path) -> dict[int, tuple[int, int]]:
    acks = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 3:  # the last line may be cut if the producer died; ours does not
            raise AssertionError(f"malformed ack line {line!r}")
        i, p, off = map(int, parts)
        assert i not in acks, f"record {i} acknowledged twice"
        acks[i] = (p, off)
    return acks


def count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


@pytest.mark.java
@pytest.mark.parametrize("mode", ["idempotent", "acks1"])
def test_kill9_during_produce_keeps_every_acknowledged_record_exactly_once(
        broker_factory, java_programs, tmp_path, topic_name, mode):
    broker = broker_factory()
    partitions = 3
    acks_path = tmp_path / "acks.txt"
    out_path, err_path = tmp_path / "producer.out", tmp_path / "producer.err"
    # Bounded load: at most 200k records or 20 s at ~15k records/s.
    cmd = java_programs.command("AckedProducer", broker.bootstrap, topic_name, partitions, mode,
                                200_000, 20, 15_000, acks_path)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        producer = subprocess.Popen(cmd, stdout=out, stderr=err)
    try:
        harness.wait_for(lambda: count_lines(acks_path) >= 20_000 or producer.poll() is not None,
                         90, "the producer to have 20000 acknowledged records", 0.05)
        assert producer.poll() is None, (f"producer ended before the kill:\n{out_path.read_text()}"
                                         f"\n{harness.tail(err_path)}")
        acked_before_kill = count_lines(acks_path)

        broker.kill9()  # SIGKILL, then restart on the same port and data dir

        producer.wait(timeout=180)
    finally:
        if producer.poll() is None:
            producer.kill()
            producer.wait()
    summary = out_path.read_text()
    assert producer.returncode == 0, f"{summary}\n{harness.tail(err_path)}"
    acks = read_acks(acks_path)
    assert len(acks) > acked_before_kill, f"no record was acknowledged after the restart: {summary}"
    check_acked_once(broker, topic_name, partitions, acks, f"{mode}; {summary}")


def check_acked_once(broker, topic_name: str, partitions: int, acks: dict, context: str) -> None:
    """Every acknowledged record is stored once, uncorrupted, in order, at its acked offset."""
    consumed: dict[int, tuple[int, int]] = {}
    for p in range(partitions):
        records = harness.kcat_consume(broker.bootstrap, topic_name, p)
        assert [r.offset for r in records] == list(range(len(records))), f"partition {p}: offset gaps"
        last = -1
        for r in records:
            i = int(r.key[2:])
            assert r.key == b"k-%09d" % i and r.value == acked_value(i), f"record {i} corrupted"
            assert i not in consumed, (f"record {i} stored twice: {consumed[i]} and {(p, r.offset)} "
                                       f"({context})")
            consumed[i] = (p, r.offset)
            assert i > last, f"partition {p}: record {i} at offset {r.offset} after record {last}"
            last = i

    missing = sorted(set(acks) - set(consumed))
    assert not missing, f"{len(missing)} acknowledged records lost, first {missing[:10]} ({context})"
    moved = [(i, acks[i], consumed[i]) for i in acks if acks[i][1] >= 0 and acks[i] != consumed[i]]
    assert not moved, f"records not at their acknowledged partition/offset: {moved[:10]}"


@pytest.mark.java
def test_repeated_kill9_at_random_moments_loses_no_acknowledged_record(
        broker_factory, java_programs, tmp_path, topic_name):
    """SLUICE_KILL_CYCLES SIGKILLs (default 5) at random moments of one produce load."""
    kills = int(os.environ.get("SLUICE_KILL_CYCLES", "5"))
    seed = int(os.environ.get("SLUICE_KILL_SEED", "20261126"))
    rng = random.Random(seed)
    broker = broker_factory()
    partitions = 3
    acks_path = tmp_path / "acks.txt"
    out_path, err_path = tmp_path / "producer.out", tmp_path / "producer.err"
    # Bounded load: the producer stops by itself after its time budget.
    budget_s = 20 + 4 * kills
    cmd = java_programs.command("AckedProducer", broker.bootstrap, topic_name, partitions,
                                "idempotent", 10_000_000, budget_s, 8_000, acks_path)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        producer = subprocess.Popen(cmd, stdout=out, stderr=err)
    try:
        harness.wait_for(lambda: count_lines(acks_path) >= 1_000 or producer.poll() is not None,
                         90, "1000 acknowledged records", 0.05)
        done = 0
        for k in range(kills):
            if producer.poll() is not None:
                break
            time.sleep(rng.uniform(0.0, 1.5))
            before = count_lines(acks_path)
            broker.kill9()  # SIGKILL, then restart on the same port and data dir
            harness.wait_for(lambda: count_lines(acks_path) > before or producer.poll() is not None,
                             90, f"progress after kill {k + 1} (seed {seed})", 0.05)
            done += 1
        assert done == kills, f"the producer ended after {done} of {kills} kills"
        producer.wait(timeout=budget_s + 180)
    finally:
        if producer.poll() is None:
            producer.kill()
            producer.wait()
    summary = out_path.read_text()
    assert producer.returncode == 0, f"{summary}\n{harness.tail(err_path)}"
    check_acked_once(broker, topic_name, partitions, read_acks(acks_path),
                     f"{kills} kills, seed {seed}; {summary}")


# --------------------------------------------------------------------------------------------
# (b) Torn and damaged segment tails

TOPICS = 6
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
SEGMENT_BYTES = 65536


def parse_batches(log: Path) -> list[tuple[int, int, int, int]]:
    """(start, end, base_offset, last_offset) of each complete record batch in a .log file."""
    data = log.read_bytes()
    out, pos = [], 0
    while pos + 12 <= len(data):
        base, length = struct.unpack_from(">qi", data, pos)
        end = pos + 12 + length
        if length < 49 or end > len(data):
            break
        (last_delta,) = struct.unpack_from(">i", data, pos + 23)
        out.append((pos, end, base, base + last_delta))
        pos = end
    return out


class TopicLog:
    """What was produced to one single-partition topic and where its active segment lies."""

    def __init__(self, name: str, records: list[tuple[bytes, bytes]]):
        self.name = name
        self.records = records

    def inspect(self, data_dir: Path) -> None:
        pdir = data_dir / f"{self.name}-0"
        logs = sorted(pdir.glob("*.log"))
        assert logs, f"no segments in {pdir}: {sorted(p.name for p in pdir.iterdir())}"
        self.active = logs[-1]
        base = int(self.active.stem)
        self.batches = parse_batches(self.active)
        assert self.batches, f"{self.active}: no complete batch in the active segment"
        assert self.batches[0][2] == base, f"{self.active}: first batch at offset {self.batches[0][2]}"
        for a, b in zip(self.batches, self.batches[1:]):
            assert b[2] == a[3] + 1 and b[0] == a[1], f"{self.active}: batches not contiguous"
        assert self.batches[-1][1] == self.active.stat().st_size, f"{self.active}: trailing bytes"
        assert self.batches[-1][3] + 1 == len(self.records), (
            f"{self.name}: log ends at offset {self.batches[-1][3]} but {len(self.records)} were produced")
        self.active_base = base

    def records_before(self, damage_pos: int) -> int:
        """Records in batches that end at or before byte damage_pos of the active segment."""
        n = self.active_base
        for start, end, _, last in self.batches:
            if end <= damage_pos:
                n = last + 1
        return n


def damage(rng: random.Random, t: TopicLog, log: Path) -> tuple[str, int]:
    """Damages the active segment of t (a copy at `log`); returns (description, damage start)."""
    size = log.stat().st_size
    kinds = ["truncate", "truncate-at-batch", "overwrite", "zero-tail", "append-garbage",
             "index-only"]
    kind = rng.choice(kinds)
    pos = size
    with open(log, "r+b") as f:
        if kind == "truncate":
            pos = rng.randrange(0, size)
            f.truncate(pos)
        elif kind == "truncate-at-batch":
            pos = rng.choice(t.batches)[0]
            f.truncate(pos)
        elif kind == "overwrite":
            # Somewhere in the last few batches, 1..64 bytes, each changed.
            lo = t.batches[max(0, len(t.batches) - 4)][0]
            pos = rng.randrange(lo, size)
            n = min(rng.randrange(1, 65), size - pos)
            f.seek(pos)
            old = f.read(n)
            f.seek(pos)
            f.write(bytes(b ^ rng.randrange(1, 256) for b in old))
        elif kind == "zero-tail":
            n = rng.randrange(1, min(size, 8192))
            pos = size - n
            f.seek(pos)
            f.write(bytes(n))
        elif kind == "append-garbage":
            f.seek(size)
            f.write(rng.randbytes(rng.randrange(1, 4096)) if rng.random() < 0.5
                    else bytes(rng.randrange(1, 4096)))
    desc = f"{kind}@{pos}/{size}"
    if kind == "index-only" or rng.random() < 0.6:
        desc += " " + damage_indexes(rng, log, force=kind == "index-only")
    checkpoint = log.parent / CLEAN_SHUTDOWN_FILE
    if checkpoint.exists() and rng.random() < 0.3:
        desc += " " + damage_checkpoint(rng, checkpoint)
    return desc, pos


CLEAN_SHUTDOWN_FILE = ".clean-shutdown"  # broker/log/checkpoint.h


def damage_checkpoint(rng: random.Random, path: Path) -> str:
    """Damages the clean-shutdown checkpoint: the broker must fall back to full recovery."""
    data = path.read_bytes()
    how = rng.choice(["truncate", "flip", "garbage", "empty"])
    if how == "truncate" and data:
        path.write_bytes(data[:rng.randrange(0, len(data))])
    elif how == "flip" and data:
        pos = rng.randrange(0, len(data))
        path.write_bytes(data[:pos] + bytes([data[pos] ^ rng.randrange(1, 256)]) + data[pos + 1:])
    elif how == "garbage":
        path.write_bytes(rng.randbytes(rng.randrange(1, 512)))
    else:
        path.write_bytes(b"")
    return f"checkpoint:{how}"


def damage_indexes(rng: random.Random, log: Path, force: bool) -> str:
    """Damages the segment's .index and/or .timeindex (at least one of them if force)."""
    done = []
    suffixes = [".index", ".timeindex"]
    forced = rng.choice(suffixes) if force else None
    for suffix in suffixes:
        idx = log.with_suffix(suffix)
        if not idx.exists() or (suffix != forced and rng.random() < 0.3):
            continue
        size = idx.stat().st_size
        how = rng.choice(["delete", "truncate", "overwrite", "extend-zeros", "garbage-file"])
        if how == "delete":
            idx.unlink()
        elif how == "truncate":
            with open(idx, "r+b") as f:
                f.truncate(rng.randrange(0, size) if size else 0)
        elif how == "overwrite" and size:
            with open(idx, "r+b") as f:
                pos = rng.randrange(0, size)
                f.seek(pos)
                f.write(rng.randbytes(min(rng.randrange(1, 48), size - pos)))
        elif how == "extend-zeros":
            with open(idx, "ab") as f:
                f.write(bytes(rng.randrange(1, 4096)))
        else:
            idx.write_bytes(rng.randbytes(rng.randrange(1, 1024)))
        done.append(f"{suffix}:{how}")
    return " ".join(done)


def make_topic_records(seed: int, tag: str, n: int) -> list[tuple[bytes, bytes]]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        key = b"%s-%05d" % (tag.encode(), len(out))
        value = rng.randbytes(rng.randrange(0, 400)) if len(out) % 3 else b"text " * rng.randrange(1, 60)
        if harness.kcat_safe(value):
            out.append((key, value))
    return out


def produce(broker, t: TopicLog, records, workdir: Path, codec: str) -> None:
    # Small batches so every segment holds many of them; idempotent, so no batch is duplicated.
    harness.kcat_produce(broker.bootstrap, t.name, workdir, records, partition=0,
                         extra=["-X", f"compression.codec={codec}", "-X", "batch.num.messages=9",
                                "-X", "linger.ms=0", "-X", "enable.idempotence=true"])


def check_prefix(broker, t: TopicLog, min_n: int, max_n: int, case: str,
                 extra: list[tuple[bytes, bytes]] = ()) -> int:
    """Asserts the partition serves records[:n] (+ extra) for some n in [min_n, max_n]; returns n."""
    got = harness.kcat_consume(broker.bootstrap, t.name, 0, timeout=45)
    n = len(got) - len(extra)
    assert min_n <= n <= max_n, (f"{case}: served {n} original records, expected between {min_n} "
                                 f"(all before the damage) and {max_n}")
    want = t.records[:n] + list(extra)
    assert [r.offset for r in got] == list(range(len(got))), f"{case}: offsets not contiguous from 0"
    bad = [r.offset for r, (k, v) in zip(got, want) if (r.key, r.value) != (k, v)]
    assert not bad, f"{case}: records at offsets {bad[:10]} differ from what was produced"
    return n


def test_torn_and_damaged_tails_recover_to_a_clean_prefix(broker_factory, tmp_path):
    seed = int(os.environ.get("SLUICE_TORN_SEED", "20240611"))
    cycles = int(os.environ.get("SLUICE_TORN_CYCLES", "40"))
    budget = float(os.environ.get("SLUICE_TORN_BUDGET_S", "150"))
    variants = os.environ.get("SLUICE_TORN_VARIANTS", "clean,killed").split(",")
    assert set(variants) <= {"clean", "killed"} and variants, variants
    rng = random.Random(seed)
    broker = broker_factory("--log-segment-bytes", str(SEGMENT_BYTES))
    topics = [TopicLog(f"torn-{j}", make_topic_records(seed + j, f"t{j}", 700)) for j in range(TOPICS)]
    scratch = tmp_path / "produce"

    # Pristine state 1: written, then a clean SIGTERM stop.
    for j, t in enumerate(topics):
        produce(broker, t, t.records, scratch, CODECS[j % len(CODECS)])
    broker.stop()
    clean = tmp_path / "pristine-clean"
    shutil.copytree(broker.data_dir, clean, symlinks=True)
    clean_records = [list(t.records) for t in topics]
    clean_layout = []
    for t in topics:
        t.inspect(clean)
        clean_layout.append((t.active, t.batches, t.active_base))

    # Pristine state 2: more records, then SIGKILL (no clean shutdown).
    broker.start()
    for j, t in enumerate(topics):
        more = make_topic_records(seed + 100 + j, f"u{j}", 150)
        produce(broker, t, more, scratch, CODECS[(j + 1) % len(CODECS)])
        t.records = t.records + more
    broker.kill9(restart=False)
    killed = tmp_path / "pristine-killed"
    shutil.copytree(broker.data_dir, killed, symlinks=True)
    killed_records = [list(t.records) for t in topics]
    killed_layout = []
    for t in topics:
        t.inspect(killed)
        killed_layout.append((t.active, t.batches, t.active_base))

    started = time.monotonic()
    cases = 0
    cases_log = open(tmp_path / "cases.txt", "w")  # every case, written before it runs
    for cycle in range(cycles):
        if cycle >= len(variants) and time.monotonic() - started > budget:
            break
        variant = variants[cycle % len(variants)]
        src, layouts, recs = ((clean, clean_layout, clean_records) if variant == "clean"
                              else (killed, killed_layout, killed_records))
        shutil.rmtree(broker.data_dir)
        shutil.copytree(src, broker.data_dir, symlinks=True)
        plans = []
        for j, t in enumerate(topics):
            t.records = recs[j]
            t.active, t.batches, t.active_base = layouts[j]
            log = broker.data_dir / t.active.relative_to(src)
            if cycle < len(variants):  # the first case of each variant is the undamaged control
                desc, pos = "none", log.stat().st_size
            else:
                desc, pos = damage(rng, t, log)
            case = f"seed={seed} cycle={cycle} {variant} {t.name}: {desc}"
            cases_log.write(case + "\n")
            plans.append((t, case, t.records_before(pos)))

        cases_log.flush()
        try:
            broker.start()
        except harness.BrokerStartError as e:
            cases_text = "\n".join(c for _, c, _ in plans)
            raise AssertionError(f"broker did not start after damage:\n{cases_text}\n{e}") from None

        def verify(plan, cycle=cycle):
            t, case, min_n = plan
            try:
                n = check_prefix(broker, t, min_n, len(t.records), case)
                new = [(b"new-%d-%d" % (cycle, i), b"after restart %d" % i) for i in range(25)]
                harness.kcat_produce(broker.bootstrap, t.name, scratch, new, partition=0, timeout=60)
                check_prefix(broker, t, n, n, case + " (after new produce)", extra=new)
            except harness.HarnessError as e:  # a client failed or hung: name the case
                raise AssertionError(f"{case}: {e}") from None

        with concurrent.futures.ThreadPoolExecutor(max_workers=TOPICS) as pool:
            for fut in [pool.submit(verify, p) for p in plans]:
                fut.result()
        broker.stop()
        cases += len(plans)

    cases_log.close()
    print(f"torn-tail: {cases} cases in {time.monotonic() - started:.0f}s (seed {seed})")
    assert cases >= len(variants) * TOPICS
