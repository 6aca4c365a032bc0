"""Turns raw results into named figures, Sluice/Kafka ratios and the issue's target checks."""
from __future__ import annotations

import statistics
from typing import Callable, Optional

# key -> (label, unit, which way is better: "higher", "lower" or None for context only)
FIGURES: dict[str, tuple[str, str, Optional[str]]] = {
    "produce_mb_per_s": ("Produce throughput", "MB/s", "higher"),
    "produce_records_per_s": ("Produce rate", "records/s", "higher"),
    "consume_mb_per_s": ("Consume throughput", "MB/s", "higher"),
    "consume_records_per_s": ("Consume rate", "records/s", "higher"),
    "consume_seconds": ("Time to read the backlog", "s", "lower"),
    "produce_p50_ms": ("Produce latency p50", "ms", "lower"),
    "produce_p99_ms": ("Produce latency p99", "ms", "lower"),
    "produce_p999_ms": ("Produce latency p99.9", "ms", "lower"),
    "produce_max_ms": ("Produce latency max", "ms", "lower"),
    "e2e_p50_ms": ("End-to-end latency p50", "ms", "lower"),
    "e2e_p99_ms": ("End-to-end latency p99", "ms", "lower"),
    "e2e_p999_ms": ("End-to-end latency p99.9", "ms", "lower"),
    "e2e_max_ms": ("End-to-end latency max", "ms", "lower"),
    "produce_p999_spread": ("Produce p99.9 per second: worst / median second", "ratio", "lower"),
    "e2e_p999_spread": ("End-to-end p99.9 per second: worst / median second", "ratio", "lower"),
    "compaction_mb_per_s": ("Compaction speed: dirty bytes / time to compacted", "MB/s", "higher"),
    "compaction_seconds": ("Time from cleanable to compacted (incl. up to one cleaner backoff)", "s", "lower"),
    "compaction_own_mb_per_s": ("Compaction speed by the broker's own log line", "MB/s", "higher"),
    "compaction_before_mb": ("Closed segments before compaction (all dirty)", "MB", None),
    "compaction_after_mb": ("Closed segments when compacted", "MB", None),
    "broker_cpu_s": ("Broker CPU time", "CPU s", "lower"),
    "broker_cpu_s_per_gb": ("Broker CPU per GB moved (in + out)", "CPU s/GB", "lower"),
    "broker_peak_rss_mib": ("Broker peak RSS", "MiB", "lower"),
    "max_send_lag_ms": ("Producers' worst lag behind their schedule", "ms", None),
    "loadgen_cpu_s": ("Load generator CPU time", "CPU s", None),
    "others_cpu_s": ("CPU used by other processes meanwhile", "CPU s", None),
}


def _spread(series: list[dict], which: str) -> Optional[float]:
    values = [p[which]["p999_us"] for p in series if p[which]["count"] >= 1000]
    if len(values) < 3:
        return None
    med = statistics.median(values)
    return round(max(values) / med, 2) if med > 0 else None


def _compaction(c: Optional[dict]) -> dict[str, float]:
    """W8's figures from compaction.watch() and the broker's own statements."""
    if not c or "before_bytes" not in c:
        return {}
    f = {"compaction_before_mb": c["before_bytes"] / 1e6}
    if "seconds" in c:
        f["compaction_seconds"] = c["seconds"]
        f["compaction_mb_per_s"] = c["before_bytes"] / 1e6 / max(c["seconds"], 1e-3)
        f["compaction_after_mb"] = c["after_bytes"] / 1e6
    own = c.get("own") or []
    own_s = sum(o["seconds"] for o in own)
    if own_s > 0:
        f["compaction_own_mb_per_s"] = sum(o["read_bytes"] for o in own) / 1e6 / own_s
    return f


def workload_figures(r: dict) -> dict[str, float]:
    """Figures of one workload on one broker, from its measured phase(s)."""
    if r.get("status") not in ("ok", "problems"):
        return {}
    phases = [p for p in r["phases"] if p.get("measured") and "loadgen" in p]
    if not phases:
        return {}
    p = phases[-1]
    lg = p["loadgen"]
    s = lg.get("summary")  # absent when the phase neither produces nor consumes (W8's compact)
    opts = lg["options"]
    f: dict[str, float] = _compaction(p.get("compaction"))
    if opts["producers"] > 0:
        f["produce_mb_per_s"] = s["produce"]["mb_per_s"]
        f["produce_records_per_s"] = s["produce"]["records_per_s"]
        lat = s["produce"]["latency"]
        if lat["count"]:
            for q in ("p50", "p99", "p999", "max"):
                f[f"produce_{q}_ms"] = lat[f"{q}_us"] / 1000
    if opts["producers"] > 0 and opts["rate_records_per_s"] > 0:
        f["max_send_lag_ms"] = s.get("max_send_lag_ms", 0.0)
    if opts["consumers"] > 0:
        f["consume_mb_per_s"] = s["consume"]["mb_per_s"]
        f["consume_records_per_s"] = s["consume"]["records_per_s"]
        if opts["consume_existing"]:
            f["consume_seconds"] = s["consume"]["seconds"]
        lat = s["consume"]["latency"]
        if lat["count"]:
            for q in ("p50", "p99", "p999", "max"):
                f[f"e2e_{q}_ms"] = lat[f"{q}_us"] / 1000
    if lg.get("series") and len(lg["series"]) >= 10:
        for which, key in (("produce_latency", "produce_p999_spread"), ("e2e_latency", "e2e_p999_spread")):
            v = _spread(lg["series"], which)
            if v is not None:
                f[key] = v
    bp = p["broker_process"]
    f["broker_cpu_s"] = bp["cpu_s"]
    moved_gb = (s["produce"]["bytes"] + s["consume"]["bytes"]) / 1e9 if s else 0.0
    if moved_gb > 0.01:
        f["broker_cpu_s_per_gb"] = bp["cpu_s"] / moved_gb
    f["broker_peak_rss_mib"] = bp["peak_rss_mib"]
    f["loadgen_cpu_s"] = lg.get("loadgen_cpu_s", 0.0)
    f["others_cpu_s"] = max(0.0, bp["system_busy_cpu_s"] - bp["cpu_s"] - f["loadgen_cpu_s"])
    return {k: round(v, 4) for k, v in f.items()}


def ratio(sluice: Optional[float], kafka: Optional[float]) -> Optional[float]:
    if sluice is None or kafka is None or kafka == 0:
        return None
    return round(sluice / kafka, 3)


def compare(results: dict) -> dict:
    """{workload: {"kafka": figs, "sluice": figs, "ratio": {key: sluice/kafka}, "status": {...}}}."""
    out = {}
    brokers = results["brokers"]
    for wid in results["workloads"]:
        entry: dict = {"figures": {}, "status": {}, "reasons": {}}
        for name in ("kafka", "sluice"):
            r = brokers.get(name, {}).get("workloads", {}).get(wid)
            if r is None:
                entry["status"][name] = "not run"
                continue
            entry["status"][name] = r["status"]
            if r.get("reason"):
                entry["reasons"][name] = r["reason"]
            entry["figures"][name] = workload_figures(r)
        k, s = entry["figures"].get("kafka", {}), entry["figures"].get("sluice", {})
        entry["ratio"] = {key: ratio(s.get(key), k.get(key)) for key in FIGURES if key in k or key in s}
        out[wid] = entry
    return out


def targets(cmp: dict) -> list[dict]:
    """The issue's targets, each: holds / does not hold / not measured."""
    def fig(wid: str, broker: str, key: str) -> Optional[float]:
        return cmp.get(wid, {}).get("figures", {}).get(broker, {}).get(key)

    def rat(wid: str, key: str) -> Optional[float]:
        return cmp.get(wid, {}).get("ratio", {}).get(key)

    def check(name: str, value: Optional[float], ok: Callable[[float], bool], shown: str) -> dict:
        if value is None:
            return {"target": name, "value": None, "verdict": "not measured", "shown": "-"}
        return {"target": name, "value": value, "verdict": "holds" if ok(value) else "does not hold",
                "shown": shown.format(value)}

    rss = [r for w in cmp.values() if (r := w.get("ratio", {}).get("broker_peak_rss_mib")) is not None]
    w1 = fig("W1", "sluice", "produce_mb_per_s")
    w3 = fig("W3", "sluice", "produce_mb_per_s")
    return [
        check("W1 throughput >= 1.5x Kafka", rat("W1", "produce_mb_per_s"), lambda v: v >= 1.5, "{:.2f}x"),
        check("W1 >= 1.0 GB/s (1000 MB/s)", w1, lambda v: v >= 1000, "{:.0f} MB/s"),
        check("W2 produce throughput >= 1.5x Kafka", rat("W2", "produce_mb_per_s"), lambda v: v >= 1.5, "{:.2f}x"),
        check("W2 consume throughput >= 1.5x Kafka", rat("W2", "consume_mb_per_s"), lambda v: v >= 1.5, "{:.2f}x"),
        check("W5 records/s >= 1.5x Kafka", rat("W5", "produce_records_per_s"), lambda v: v >= 1.5, "{:.2f}x"),
        check("W4 produce p99 <= 0.5x Kafka", rat("W4", "produce_p99_ms"), lambda v: v <= 0.5, "{:.2f}x"),
        check("W4 end-to-end p99 <= 0.5x Kafka", rat("W4", "e2e_p99_ms"), lambda v: v <= 0.5, "{:.2f}x"),
        check("W4 produce p99.9 < 5 ms", fig("W4", "sluice", "produce_p999_ms"), lambda v: v < 5, "{:.2f} ms"),
        check("W4 end-to-end p99.9 < 5 ms", fig("W4", "sluice", "e2e_p999_ms"), lambda v: v < 5, "{:.2f} ms"),
        check("W3 >= 70% of Sluice's own W1", (w3 / w1) if (w3 is not None and w1) else None,
              lambda v: v >= 0.7, "{:.0%}"),
        check("Peak RSS <= 0.25x Kafka (worst workload)", max(rss) if rss else None, lambda v: v <= 0.25, "{:.2f}x"),
    ]
