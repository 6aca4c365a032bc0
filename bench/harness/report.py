#!/usr/bin/env python3
"""Writes report.md, report.json and plots/*.png from <results>/raw/results.json.

Run by bench.py at the end of a run; run it by hand to regenerate a report:
    python3 bench/harness/report.py bench/results/<dir>
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import figures
import machine
import paths
import plots

UNITS_NOTE = """\
- MB/s = 10^6 bytes per second of record values (keys and protocol overhead not counted).
  Kafka's ProducerPerformance and ConsumerPerformance print MiB/s; their figures here are
  converted to MB/s.
- Latency: every record value starts with a 24-byte stamp holding its send time (CLOCK_MONOTONIC,
  producer and consumer in one process). Produce latency = delivery report - stamp; end-to-end =
  consumer receipt - stamp. With a fixed rate (W4, W6) the stamp is the time the record was *due*,
  so a stalled producer counts as latency (coordinated omission corrected). Without a rate (W1-W3,
  W5) produce latency includes the time records wait in the client's queue at full speed.
- Percentiles come from log-bucketed histograms (64 buckets per power of two: values are reported
  as their bucket's upper bound, at most 1.6% high). The first `warmup` seconds are left out.
- Broker CPU = utime + stime of the broker process (/proc/<pid>/stat) during the workload; peak
  RSS = VmHWM (/proc/<pid>/status) after resetting it at the workload's start (clear_refs).
  "Other processes" = machine-wide busy CPU (/proc/stat) minus broker and load generator: on a
  quiet machine it is near zero; a large value means the figures are disturbed.
- Speed probe (machine.speed_probe): SHA-256 over 256 MiB and 256 MiB of buffered 1 MiB writes
  (best of five; back to back the writes vary by about 10%, the hash by 2%),
  MB/s, before each broker's workloads and at the end, with the page cache as full as the
  workloads find it. The brokers run one after the other; if the machine slowed down between
  them (a busy host), the probes show it and the report says so.
- W8 compaction: the fill writes keyed records to a topic with `min.compaction.lag.ms=3600000`,
  which holds both cleaners off; the compact phase sets it to 0 (AlterConfigs). From just
  before that the harness sums the partition's `*.log` files every 0.1 s, the newest one (the
  active segment, never cleaned) apart, until the closed segments hold less than twice one
  value per key and then stay unchanged for 2 s. Seconds = from just before the config change
  (load generator start-up and AlterConfigs round trip included) to the last change of that
  sum; MB/s = closed-segment bytes at the start (all dirty) / seconds. Both brokers run with
  the same short `log.cleaner.backoff.ms` (see Brokers), so the time includes up to one
  backoff on each. Indexes are not counted, nor Kafka's `*.deleted` files (it removes them
  `file.delete.delay.ms`, 60 s, later). "Own log line": Kafka's LogCleaner statistics (MB of
  log processed / seconds, MiB converted to MB) and Sluice's "compacted offsets" line (bytes
  before / its duration).
- Sluice/Kafka: the ratio of the two figures. For throughput above 1 is better; for latency,
  CPU and memory below 1 is better.
"""


def fmt(v, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if unit in ("records/s",) or abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) >= 0.1 else f"{v:.3f}"


def missing(entry: dict, broker: str) -> str:
    """What to show for a figure a broker lacks: why, if the workload did not run."""
    status = entry["status"].get(broker, "not run")
    return "-" if status in ("ok", "problems") else status


def fmt_ratio(r, better) -> str:
    if r is None:
        return "-"
    mark = ""
    if better == "higher":
        mark = " (better)" if r > 1.02 else (" (worse)" if r < 0.98 else "")
    elif better == "lower":
        mark = " (better)" if r < 0.98 else (" (worse)" if r > 1.02 else "")
    return (f"{r:.3f}x" if r < 0.1 else f"{r:.2f}x") + mark


def cells(e: dict, key: str) -> list[str]:
    """Kafka's figure, Sluice's figure and their ratio, as table cells."""
    _, unit, better = figures.FIGURES[key]
    k = e["figures"].get("kafka", {}).get(key)
    s = e["figures"].get("sluice", {}).get(key)
    return [fmt(k, unit) if k is not None else missing(e, "kafka"),
            fmt(s, unit) if s is not None else missing(e, "sluice"), fmt_ratio(e["ratio"].get(key), better)]


def table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def loadgen_flags(results: dict, wid: str) -> str:
    def flags(p: dict) -> str:
        alter = " ".join(f"{k}={v}" for k, v in p.get("topic_config_overrides", {}).items())
        return f"`{' '.join(p['args'])}`" + (f" (sets the topic configs with {alter})" if p.get("alter_topic") else "")
    return "; ".join(f"{p['name']}: {flags(p)}" for p in results["workloads"][wid]["phases"])


def section(title: str, intro: str, rows: list[list[str]], headers: list[str]) -> list[str]:
    """A report section with one table; nothing when there are no rows."""
    return [f"## {title}", "", intro, "", table(rows, headers), ""] if rows else []


def capped_records(results: dict, wid: str) -> list[str]:
    """Lines naming phases whose --records the run's disk budget lowered (bench.py cap_to_disk)."""
    def records(args: list[str]) -> str | None:
        return args[args.index("--records") + 1] if "--records" in args else None

    lines = []
    defined = {p["name"]: records(p["args"]) for p in results["workloads"][wid]["phases"]}
    for name in ("kafka", "sluice"):
        for p in results["brokers"].get(name, {}).get("workloads", {}).get(wid, {}).get("phases", []):
            ran = records(p.get("command", []))
            if ran is not None and defined.get(p.get("name")) not in (None, ran):
                lines.append(f"- {name} {p['name']}: `--records {int(ran):,}` (the run's disk budget)")
    return lines


def write(out: Path) -> str:
    results = json.loads((out / "raw" / "results.json").read_text())
    cmp = figures.compare(results)
    tgt = figures.targets(cmp)
    plot_files, plot_note = plots.draw(results, cmp, out / "plots")
    m = results["machine"]
    kafka = results["brokers"].get("kafka", {}).get("broker", {})
    sluice = results["brokers"].get("sluice", {}).get("broker", {})

    md = [f"# Sluice vs Apache Kafka {kafka.get('version', '')}: benchmark ({results['mode']} run)", ""]
    if results.get("note"):
        md += [f"> **{results['note']}**", ""]
    if results["mode"].startswith("smoke"):
        md += ["> Smoke run: a few seconds per workload with tiny sizes, to prove the harness works. "
               "Its figures mean nothing.", ""]
    md += [f"Started {results['started_utc']}, finished {results['finished_utc']} (UTC). "
           f"Command: `{results.get('command') or 'bench/run.sh'}`", ""]

    md += ["## Machine", "", table([
        ["CPU", f"{m['cpu_model']}, {m['cpus']} vCPU (hypervisor: {m['hypervisor']})"],
        ["Memory", f"{m['ram_gib']} GiB"],
        ["Kernel / OS", f"{m['kernel']} / {m.get('os', '')}"],
        ["Disk", f"{m['disk']['device']} ({m['disk']['filesystem']}, {m['disk']['mount_options']}), "
                 f"rotational flag {m['disk'].get('rotational_flag', m['disk'].get('rotational', '?'))}, {m['disk']['size_gb']} GB, "
                 f"{m['disk']['free_gb_at_start']} GB free at start"],
        ["Broker data", f"{m['disk']['data_root']} (both brokers, one after the other)"],
        ["Load average", f"start {m['loadavg_at_start']}; end {m.get('loadavg_at_end', '')}"],
        ["Speed probe (MB/s)", "; ".join(f"{when}: " + (f"SHA-256 {p['hash_mb_per_s']:,}, page-cache writes "
                                                       f"{p['write_mb_per_s']:,}" if "error" not in p
                                                       else f"failed ({p['error']})")
                                         for when, p in results.get("speed_probes", {}).items()) or "-"],
        ["Sluice", f"commit {m['sluice_commit']}{' + uncommitted changes' if m['sluice_tree_dirty'] else ''}, "
                   f"{m['compiler']}"],
    ], ["", ""]), ""]

    md += ["## Brokers", "",
           f"- **Apache Kafka {kafka.get('version', '')}** (KRaft, one node as broker and controller), "
           f"{kafka.get('java', '')}; started in {kafka.get('startup_s', '-')} s.",
           f"  - JVM: `{kafka.get('jvm_opts', '')}`",
           "  - Config (everything else is Kafka's default): " +
           ", ".join(f"`{k}={v}`" for k, v in kafka.get("config", {}).items()),
           f"- **Sluice** `{' '.join(sluice.get('command', []))}`; started in {sluice.get('startup_s', '-')} s.",
           ""]

    rows = [[f"{wid} {results['workloads'][wid]['title']}", figures.FIGURES[key][0], figures.FIGURES[key][1],
             *cells(e, key)] for wid, e in cmp.items() for key in results["workloads"][wid]["headline"]]
    md += ["## Summary", "", table(rows, ["Workload", "Figure", "Unit", "Kafka", "Sluice", "Sluice/Kafka"]), ""]

    noise = []
    for name in ("kafka", "sluice"):
        others = [e["figures"].get(name, {}).get("others_cpu_s") for e in cmp.values()]
        walls = [p["broker_process"]["wall_s"] for r in results["brokers"].get(name, {}).get("workloads", {}).values()
                 for p in r.get("phases", []) if p.get("measured")]
        others = [o for o in others if o is not None]
        if others and walls:
            share = sum(others) / (sum(walls) * (m["cpus"] or 1))
            noise.append(f"{sum(others):.0f} CPU s during {name}'s workloads ({share:.0%} of the machine)")
    drift = machine.probe_drift(results.get("speed_probes", {}))
    if drift > machine.PROBE_DRIFT:
        md += [f"**The machine's speed changed during the run**: the speed probes (Machine, above) differ "
               f"by up to {drift - 1:.0%}. The Sluice/Kafka ratios lean towards the broker that ran while "
               "the machine was faster; compare them with a run whose probes agree.", ""]
    if noise:
        md += ["Other processes used " + " and ".join(noise) + ". On a quiet machine both are near 0%; "
               "if they differ, the comparison is skewed towards the broker that ran in the quieter half.", ""]

    md += storage_section(cmp)
    md += ["## Targets (issue 6)", "",
           table([[t["target"], t["shown"], t["verdict"]] for t in tgt], ["Target", "Measured", "Verdict"]), ""]

    xrows, crows = [], []
    for name in ("kafka", "sluice"):
        b = results["brokers"].get(name, {})
        pp, cp = b.get("producer_perf"), b.get("consumer_perf")
        w1 = cmp.get("W1", {}).get("figures", {}).get(name, {})
        if pp and pp["status"] == "ok":
            xrows.append([name, fmt(pp["mb_per_s"]), fmt(pp["records_per_s"], "records/s"),
                          f"{pp['p50_ms']} / {pp['p99_ms']} / {pp['p999_ms']}", fmt(w1.get("produce_mb_per_s"))])
        elif pp:
            xrows.append([name, pp["status"], pp.get("reason", "")[:80], "-", fmt(w1.get("produce_mb_per_s"))])
        if cp and cp["status"] == "ok":
            crows.append([name, fmt(cp["mb_per_s"]), fmt(cp["records_per_s"], "records/s"),
                          fmt(cp["fetch_mb_per_s"]), str(cp["rebalance_ms"])])
        elif cp:
            crows.append([name, cp["status"], cp.get("reason", "")[:80], "-", "-"])
    md += section("Cross-check: Kafka's ProducerPerformance on W1",
                  "Same topic shape and producer settings (acks=1, linger.ms=10, batch.size=1000000, 1 KiB "
                  "records) with the Java client; one producer. Latency percentiles are whole ms as the tool "
                  "prints them.",
                  xrows, ["Broker", "MB/s", "records/s", "p50 / p99 / p99.9 ms", "loadgen W1 MB/s"])
    md += section("Cross-check: Kafka's ConsumerPerformance",
                  "One Java consumer in a consumer group (subscribe, group join, default fetch settings) reads "
                  "what ProducerPerformance just wrote (in the page cache). MB/s over the whole run including "
                  "the group join; 'while fetching' leaves the join out.",
                  crows, ["Broker", "MB/s", "records/s", "MB/s while fetching", "group join ms"])

    md += ["## Workloads", ""]
    for wid, e in cmp.items():
        md += [f"### {wid}: {results['workloads'][wid]['title']}", "",
               f"Loadgen flags: {loadgen_flags(results, wid)}", ""] + capped_records(results, wid)
        for name in ("kafka", "sluice"):
            st = e["status"].get(name)
            if st and st != "ok":
                md += [f"- {name}: **{st}**{': ' + e['reasons'].get(name, '') if e['reasons'].get(name) else ''}"]
            r = results["brokers"].get(name, {}).get("workloads", {}).get(wid, {})
            if r.get("topic_configs"):
                md += [f"- {name} topic configs: " + ", ".join(f"`{k}={v}`" for k, v in r["topic_configs"].items())]
            if r.get("memory"):
                mem = r["memory"]
                md += [f"- {name} memory at the start: {mem['free_before_mib']:,} MiB free; "
                       f"{mem['ballast_read_mib']:,} MiB of ballast read into the page cache in "
                       f"{mem['seconds']} s, leaving {mem['free_after_mib']:,} MiB free"]
            if r.get("disk_wait_s"):
                md += [f"- {name} waited {r['disk_wait_s']} s for the previous workload's deleted topic to free the disk"]
            if r.get("page_cache"):
                md += [f"- {name} page cache before reading: {r['page_cache']}"]
            for p in r.get("phases", []):
                for problem in p.get("loadgen", {}).get("problems", []):
                    md += [f"- {name} {p['name']}: problem: {problem}"]
                md += compaction_lines(name, p.get("compaction"))
        rows = [[label, unit, *cells(e, key)] for key, (label, unit, _) in figures.FIGURES.items()
                if any(key in e["figures"].get(b, {}) for b in ("kafka", "sluice"))]
        if rows:
            md += ["", table(rows, ["Figure", "Unit", "Kafka", "Sluice", "Sluice/Kafka"])]
        for f in plot_files.get(wid, []):
            md += ["", f"![{wid}](plots/{f})"]
        md += [""]

    md += ["## Plots", ""]
    if plot_note:
        md += [plot_note, ""]
    for f in plot_files.get("all", []):
        md += [f"![{f}](plots/{f})", ""]

    md += ["## Method and units", "", UNITS_NOTE,
           "## Commands", "", "Every load generator invocation, in order:", "", "```"]
    md += results.get("loadgen_commands", []) + ["```", ""]

    (out / "report.md").write_text(paths.scrub("\n".join(md)))
    summary = {k: results[k] for k in ("started_utc", "finished_utc", "mode", "note", "command", "machine", "sizes")}
    summary["brokers"] = {n: b.get("broker", {}) for n, b in results["brokers"].items()}
    summary["units"] = {k: {"label": v[0], "unit": v[1], "better": v[2]} for k, v in figures.FIGURES.items()}
    summary["workloads"] = {wid: {"title": results["workloads"][wid]["title"], **e} for wid, e in cmp.items()}
    summary["targets"] = tgt
    for key in ("producer_perf", "consumer_perf"):
        summary[key] = {n: {k: v for k, v in b.get(key, {}).items() if k != "broker_process"}
                        for n, b in results["brokers"].items() if b.get(key)}
    (out / "report.json").write_text(paths.scrub(json.dumps(summary, indent=1)) + "\n")
    return "\n".join(f"{r[0]:<58} {r[1]:<40} kafka {r[2]:>10}  sluice {r[3]:>10}  {r[4]}" for r in rows_summary(cmp, results))


def rows_summary(cmp: dict, results: dict) -> list[list[str]]:
    return [[wid + " " + results["workloads"][wid]["title"][:54],
             f"{figures.FIGURES[key][0]} ({figures.FIGURES[key][1]})"[:40], *cells(e, key)]
            for wid, e in cmp.items() for key in results["workloads"][wid]["headline"]]


# Issue 4's storage figures: (workload, figure key, what it is).
STORAGE = [("W1", "produce_mb_per_s", "Append throughput, default (W1: acks=1)"),
           ("W3", "produce_mb_per_s", "Append throughput, durable (W3: acks=all, flush.messages=1)"),
           ("W7", "consume_mb_per_s", "Fetch from cold data (W7: page cache dropped first)"),
           ("W8", "compaction_mb_per_s", "Compaction, measured from outside (W8)"),
           ("W8", "compaction_seconds", "Compaction, time from cleanable to compacted (W8)"),
           ("W8", "compaction_own_mb_per_s", "Compaction, by the broker's own log line (W8)")]


def storage_section(cmp: dict) -> list[str]:
    """A short table of the storage figures (issue 4), each beside Kafka's."""
    rows = []
    for wid, key, what in STORAGE:
        if wid in cmp:
            rows.append([what, figures.FIGURES[key][1], *cells(cmp[wid], key)])
        if wid == "W3" and "W1" in cmp and "W3" in cmp:
            share = {b: figures.ratio(cmp["W3"]["figures"].get(b, {}).get(key),
                                      cmp["W1"]["figures"].get(b, {}).get(key)) for b in ("kafka", "sluice")}
            rows.append(["Durable / default (W3 / W1)", "ratio", fmt(share["kafka"]), fmt(share["sluice"]),
                         fmt_ratio(figures.ratio(share["sluice"], share["kafka"]), "higher")])
    if not rows:
        return []
    return ["## Storage figures (issue 4)", "",
            "Append throughput with and without the durable mode, fetch from cold data and compaction "
            "speed, each beside Apache Kafka in this run (machine, date and command above; details per "
            "workload below).", "",
            table(rows, ["Figure", "Unit", "Kafka", "Sluice", "Sluice/Kafka"]), ""]


def compaction_lines(broker: str, c: dict | None) -> list[str]:
    """What W8's watch saw on one broker, and what the broker said about it."""
    if not c or "before_bytes" not in c:
        return []
    seen = (f"{c['after_bytes'] / 1e6:.1f} MB in {c['seconds']:.2f} s (under the {c['threshold_bytes'] / 1e6:.1f} "
            f"MB threshold at {c['below_threshold_s']:.2f} s)" if "seconds" in c
            else f"not under {c['threshold_bytes'] / 1e6:.1f} MB after {c['samples'][-1][0]:.0f} s")
    lines = [f"- {broker} compaction: closed segments {c['before_bytes'] / 1e6:.1f} MB -> {seen}; "
             f"active segment {c['active_bytes_before'] / 1e6:.1f} MB, never cleaned"]
    for o in c.get("own") or []:
        lines.append(f"- {broker}'s own log: {o['before_bytes'] / 1e6:.1f} MB -> {o['after_bytes'] / 1e6:.1f} MB, "
                     f"{o['read_bytes'] / 1e6:.1f} MB read in {o['seconds']:.3g} s")
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS_DIR")
    print(write(Path(sys.argv[1])))
