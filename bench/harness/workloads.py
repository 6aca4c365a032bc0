"""The benchmark's workloads (issue 6): what each one runs, in full and smoke sizes.

A workload is one or more loadgen phases on one fresh topic, with the same client settings and
topic configs on both brokers. A phase may also watch the topic's compaction (W8, compaction.py).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from compaction import Watch


@dataclasses.dataclass
class Sizes:
    """How big and long the workloads are."""
    duration_s: float = 60.0      # producing time of W1-W5
    warmup_s: float = 10.0        # left out of the summary figures
    partitions: int = 100
    w6_duration_s: float = 300.0  # the long run (1 h is the stability goal: --w6-duration 3600)
    w6_producers: int = 50
    w6_rate_mbps: float = 10.0    # 50 librdkafka clients at linger.ms=1 cost ~1 vCPU; 25 MB/s was not held
    w7_bytes: int = 4 * 10**9     # cold data written before W7 reads it back
    w8_bytes: int = 1_500 * 10**6  # keyed data written before W8 compacts it
    w8_keys: int = 10_000
    w8_segment_bytes: int = 64 << 20
    w8_timeout_s: float = 900.0   # for the compaction after the fill
    record_bound: Optional[int] = None  # cap on records per phase (smoke: tiny)
    xcheck_records: int = 2_000_000     # ProducerPerformance cross-check of W1

    @staticmethod
    def smoke() -> "Sizes":
        return Sizes(duration_s=3.0, warmup_s=0.0, partitions=10, w6_duration_s=3.0, w6_producers=5,
                     w7_bytes=50 * 10**6, w8_bytes=50 * 10**6, w8_segment_bytes=4 << 20, w8_timeout_s=60.0,
                     record_bound=150_000, xcheck_records=50_000)


@dataclasses.dataclass
class Phase:
    name: str
    args: list[str]               # loadgen flags (bootstrap, topic and json are added by the runner)
    create_topic: bool = True
    alter_topic: bool = False     # set the topic's configs to the workload's, with these overrides:
    topic_config_overrides: dict[str, str] = dataclasses.field(default_factory=dict)
    delete_topic: bool = True
    drop_caches_before: bool = False
    measured: bool = True         # its figures are the workload's figures
    timeout_s: float = 120.0
    compaction: Optional[Watch] = None  # after the loadgen: watch the partition until compacted


@dataclasses.dataclass
class Workload:
    id: str
    title: str
    phases: list[Phase]
    headline: list[str]           # figure keys the summary table leads with
    kafka_topic_configs: dict[str, str] = dataclasses.field(default_factory=dict)
    # None: the workload cannot run on Sluice yet; the string says why.
    sluice_topic_configs: Optional[dict[str, str]] = dataclasses.field(default_factory=dict)
    sluice_unavailable: str = ""


# Client settings shared by the throughput workloads: big batches, a short linger.
THROUGHPUT = ["--acks", "1", "--linger-ms", "10", "--batch-size", "1000000", "--compression", "none"]
LATENCY = ["--acks", "1", "--linger-ms", "1", "--batch-size", "1000000", "--compression", "none"]


def build(s: Sizes, only: Optional[set[str]] = None) -> list[Workload]:
    def bounds(duration: float, record_size: int = 1024, ceiling_bytes_per_s: float = 2e9) -> list[str]:
        # A count bound as well as the time bound, so a broker faster than expected cannot fill
        # the disk: at most `ceiling_bytes_per_s` for `duration` seconds.
        cap = int(ceiling_bytes_per_s * duration / record_size)
        if s.record_bound:
            cap = min(cap, s.record_bound)
        return ["--duration", f"{duration:g}", "--records", str(cap), "--warmup", f"{s.warmup_s:g}"]

    def timeout(duration: float) -> float:
        return duration + 120.0

    def fill(records: int, partitions: int = s.partitions, extra: tuple[str, ...] = ()) -> Phase:
        # W1's producers; bounded by the record count, the time bound only stops a stuck fill.
        return Phase("fill", ["--partitions", str(partitions), *THROUGHPUT, "--producers", "2",
                              "--records", str(records), "--duration", "1800", "--drain", "60", *extra],
                     delete_topic=False, measured=False, timeout_s=1800 + 240)

    d = s.duration_s
    common = ["--partitions", str(s.partitions)]
    w7_records = max(1, s.w7_bytes // 1024)
    # W8: one partition (both cleaners compact one partition at a time on one thread, so more
    # partitions would measure the same work in pieces). min.compaction.lag.ms holds the
    # cleaner off during the fill, then the "compact" phase sets it to 0.
    w8_configs = {"cleanup.policy": "compact", "segment.bytes": str(s.w8_segment_bytes),
                  "min.cleanable.dirty.ratio": "0.01", "min.compaction.lag.ms": "3600000",
                  "delete.retention.ms": "86400000"}
    # Compacted: the closed segments hold less than twice one 1 KiB value per key.
    w8_watch = Watch(threshold_bytes=2 * s.w8_keys * 1024, timeout_s=s.w8_timeout_s)
    workloads = [
        Workload("W1", "Produce only, acks=1, highest throughput",
                 [Phase("produce", common + THROUGHPUT + ["--producers", "2"] + bounds(d), timeout_s=timeout(d))],
                 headline=["produce_mb_per_s", "produce_p99_ms"]),
        Workload("W2", "Produce with a tailing consumer",
                 # The tailing consumer reads slower than two unthrottled producers write (on both
                 # brokers): a minute of drain lets it read everything, so a missing record still
                 # means a lost one.
                 [Phase("produce+consume", common + THROUGHPUT + ["--producers", "2", "--consumers", "1"] + bounds(d)
                        + ["--drain", "60"], timeout_s=timeout(d) + 60)],
                 headline=["produce_mb_per_s", "consume_mb_per_s", "e2e_p99_ms"]),
        Workload("W3", "Durable produce (flush every record / fdatasync before ack)",
                 [Phase("produce", common + ["--acks", "all", "--linger-ms", "10", "--batch-size", "1000000",
                                             "--compression", "none", "--producers", "2"] + bounds(d),
                        timeout_s=timeout(d))],
                 headline=["produce_mb_per_s", "produce_p99_ms"],
                 # The same key on both: Kafka flushes every record before acking; Sluice acks
                 # after an fdatasync shared by concurrent appends (group commit).
                 kafka_topic_configs={"flush.messages": "1"},
                 sluice_topic_configs={"flush.messages": "1"}),
        Workload("W4", "Latency at a fixed 50 MB/s, produce and end-to-end",
                 [Phase("produce+consume", common + LATENCY + ["--producers", "2", "--consumers", "1",
                                                               "--rate-mbps", "50"] + bounds(d),
                        timeout_s=timeout(d))],
                 headline=["produce_p99_ms", "e2e_p99_ms", "e2e_p999_ms"]),
        Workload("W5", "100-byte records, records per second",
                 [Phase("produce", common + THROUGHPUT + ["--producers", "2", "--record-size", "100"]
                        + bounds(d, record_size=100, ceiling_bytes_per_s=0.5e9), timeout_s=timeout(d))],
                 headline=["produce_records_per_s", "produce_mb_per_s"]),
        Workload("W6", f"{s.w6_producers} producers with keys, fixed {s.w6_rate_mbps:g} MB/s, long run (p99.9 over time)",
                 [Phase("produce+consume", common + LATENCY + [
                     "--producers", str(s.w6_producers), "--keyed", "--consumers", "1",
                     "--rate-mbps", f"{s.w6_rate_mbps:g}"]
                     + bounds(s.w6_duration_s), timeout_s=timeout(s.w6_duration_s))],
                 headline=["produce_p999_ms", "e2e_p999_ms", "produce_p999_spread"]),
        Workload("W7", "A consumer catching up on cold data",
                 [fill(w7_records),
                  Phase("catch-up", ["--producers", "0", "--consumers", "1", "--consume-existing",
                                     "--duration", "1800", "--warmup", "0"],
                        create_topic=False, drop_caches_before=True, timeout_s=1800 + 240)],
                 headline=["consume_mb_per_s", "consume_seconds"]),
        Workload("W8", f"Compaction speed: {s.w8_bytes / 1e6:g} MB, {s.w8_keys:,} keys, 1 partition",
                 [fill(max(1, s.w8_bytes // 1024), 1, ("--keyed", "--key-space", str(s.w8_keys))),
                  Phase("compact", ["--producers", "0"], create_topic=False, alter_topic=True,
                        topic_config_overrides={"min.compaction.lag.ms": "0"}, delete_topic=False,
                        compaction=w8_watch, timeout_s=60),
                  Phase("delete", ["--producers", "0"], create_topic=False, measured=False, timeout_s=120)],
                 headline=["compaction_mb_per_s", "compaction_seconds", "compaction_own_mb_per_s"],
                 kafka_topic_configs=w8_configs, sluice_topic_configs=w8_configs),
    ]
    if only:
        workloads = [w for w in workloads if w.id in only]
    return workloads
