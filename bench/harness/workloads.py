"""The benchmark's workloads (issue 6): what each one runs, in full and smoke sizes.

A workload is one or two loadgen phases. Every phase runs against a fresh topic with the same
client settings on both brokers; only the topic configs may differ (W3 asks Kafka to flush every
record, which Sluice cannot do yet).
"""
from __future__ import annotations

import dataclasses
from typing import Optional


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
    record_bound: Optional[int] = None  # cap on records per phase (smoke: tiny)
    xcheck_records: int = 2_000_000     # ProducerPerformance cross-check of W1

    @staticmethod
    def smoke() -> "Sizes":
        return Sizes(duration_s=3.0, warmup_s=0.0, partitions=10, w6_duration_s=3.0, w6_producers=5,
                     w7_bytes=50 * 10**6, record_bound=150_000, xcheck_records=50_000)


@dataclasses.dataclass
class Phase:
    name: str
    args: list[str]               # loadgen flags (bootstrap, topic and json are added by the runner)
    create_topic: bool = True
    delete_topic: bool = True
    drop_caches_before: bool = False
    measured: bool = True         # its figures are the workload's figures
    timeout_s: float = 120.0


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

    d = s.duration_s
    common = ["--partitions", str(s.partitions)]
    w7_records = max(1, s.w7_bytes // 1024)
    workloads = [
        Workload("W1", "Produce only, acks=1, highest throughput",
                 [Phase("produce", common + THROUGHPUT + ["--producers", "2"] + bounds(d), timeout_s=timeout(d))],
                 headline=["produce_mb_per_s", "produce_p99_ms"]),
        Workload("W2", "Produce with a tailing consumer",
                 [Phase("produce+consume", common + THROUGHPUT + ["--producers", "2", "--consumers", "1"] + bounds(d),
                        timeout_s=timeout(d))],
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
                 [Phase("fill", common + THROUGHPUT + ["--producers", "2", "--records", str(w7_records),
                                                       "--duration", "1800", "--drain", "60"],
                        delete_topic=False, measured=False, timeout_s=1800 + 240),
                  Phase("catch-up", ["--producers", "0", "--consumers", "1", "--consume-existing",
                                     "--duration", "1800", "--warmup", "0"],
                        create_topic=False, drop_caches_before=True, timeout_s=1800 + 240)],
                 headline=["consume_mb_per_s", "consume_seconds"]),
    ]
    if only:
        workloads = [w for w in workloads if w.id in only]
    return workloads
