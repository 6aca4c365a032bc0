#!/usr/bin/env python3
"""Runs the Sluice-versus-Apache-Kafka benchmark and writes its report (see bench/README.md).

bench/run.sh fetches and builds what this needs, then calls it. For each broker in turn (Kafka
first), it starts the broker, runs every workload with sluice-loadgen (same settings for both),
measures the broker's CPU seconds and peak RSS per workload, cross-checks W1 with Kafka's own
ProducerPerformance and ConsumerPerformance, and stops the broker. report.py then turns the raw results into
report.md, report.json and plots.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import brokers
import compaction
import machine
import memory
import paths
import procstat
import report
import workloads

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def broken(phase: dict) -> list[str]:
    """The phase's problems other than the loadgen's timing ones (a rate not held)."""
    timing = set(phase.get("loadgen", {}).get("timing_problems", []))
    return [p for p in phase_problems(phase) if p not in timing]


def phase_problems(r: dict) -> list[str]:
    """What made one phase's figures suspect: the loadgen's problems and the compaction watch's."""
    return r.get("loadgen", {}).get("problems", []) + r.get("compaction", {}).get("problems", [])


def drop_page_cache() -> str:
    """Writes dirty pages and drops the page cache; returns "" or why it could not."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return ""
    except OSError as e:
        return f"page cache not dropped ({e.strerror}); the data may still be cached"


def write_back() -> float:
    """Writes every dirty page (sync) and returns the seconds it took, so that each workload
    starts without the previous one's write-back throttling its writes."""
    started = time.monotonic()
    os.sync()
    return round(time.monotonic() - started, 2)


class Runner:
    def __init__(self, args: argparse.Namespace, out: Path, work: Path):
        self.args, self.out, self.work = args, out, work
        self.raw = out / "raw"
        self.raw.mkdir(parents=True, exist_ok=True)
        self.commands: list[str] = []
        # What one phase may write: 70% of the disk that is free at the start (W1 at 1 GB/s for
        # 60 s would need 60 GB). Before each workload the harness waits for that much plus 5 GB.
        free = shutil.disk_usage(work / "data").free
        self.disk_budget = int(0.7 * free)
        self.disk_needed = min(free, self.disk_budget + (5 << 30))

    def loadgen(self, broker: brokers.Broker, topic: str, extra: list[str], json_path: Path,
                timeout_s: float) -> dict:
        cmd = [str(self.args.loadgen), "--bootstrap", broker.bootstrap, "--topic", topic,
               "--json", str(json_path), *extra]
        self.commands.append(" ".join(cmd))
        t0 = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "reason": f"loadgen did not finish in {timeout_s:.0f} s"}
        result = {"command": cmd, "exit_code": proc.returncode, "wall_s": round(time.monotonic() - t0, 2),
                  "stdout": proc.stdout.strip()[-2000:], "stderr": proc.stderr.strip()[-2000:]}
        if proc.returncode in (0, 3) and json_path.exists():
            result["loadgen"] = json.loads(json_path.read_text())
            json_path.unlink()  # kept inside the combined raw result instead
            result["status"] = "ok" if proc.returncode == 0 else "problems"
        else:
            result["status"] = "failed"
            result["reason"] = (proc.stderr.strip() or proc.stdout.strip())[-500:]
        return result

    def cap_to_disk(self, args: list[str]) -> list[str]:
        """A copy of `args` with --records lowered so that one phase writes at most the run's
        disk budget (a copy: the caller appends to it, and the phase runs again on the next
        broker). The budget is fixed at the start, so both brokers write the same records."""
        if "--records" not in args:
            return list(args)
        size = int(args[args.index("--record-size") + 1]) if "--record-size" in args else 1024
        i = args.index("--records") + 1
        out = list(args)
        # Normally the budget; less only if the disk did not come back (wait_for_disk timed out).
        budget = min(self.disk_budget, shutil.disk_usage(self.work / "data").free - (5 << 30))
        out[i] = str(min(int(args[i]), max(1000, budget // (size + 70))))
        return out

    def wait_for_disk(self) -> float:
        """Waits (at most 3 minutes) until the disk has room for the budget again, as the last
        workload's deleted topic is removed; returns the seconds waited."""
        started = time.monotonic()
        while shutil.disk_usage(self.work / "data").free < self.disk_needed and time.monotonic() - started < 180:
            time.sleep(1)
        return round(time.monotonic() - started, 1)

    def run_workload(self, broker: brokers.Broker, w: workloads.Workload, index: int) -> dict:
        configs = w.kafka_topic_configs if broker.name == "kafka" else w.sluice_topic_configs
        if configs is None:
            return {"status": "not available", "reason": w.sluice_unavailable}
        topic = f"bench-{w.id.lower()}-{index}"
        result: dict = {"status": "ok", "topic": topic, "topic_configs": configs, "phases": [],
                        "disk_wait_s": self.wait_for_disk(), "write_back_s": write_back()}
        if not self.args.smoke:
            result["memory"] = memory.fill_page_cache(self.work / "ballast")
        for phase in w.phases:
            extra = self.cap_to_disk(phase.args)
            if phase.create_topic or phase.alter_topic:
                extra.append("--create-topic" if phase.create_topic else "--alter-topic")
                for k, v in {**configs, **phase.topic_config_overrides}.items():
                    extra += ["--topic-config", f"{k}={v}"]
            if phase.delete_topic:
                extra.append("--delete-topic")
            if phase.drop_caches_before:
                note = drop_page_cache()
                result["page_cache"] = note or "dropped (sync; echo 3 > /proc/sys/vm/drop_caches)"
            sampler = procstat.Sampler(broker.pid)
            sampler.start()
            started = compaction.start(broker.data_dir, topic) if phase.compaction else None
            r = self.loadgen(broker, topic, extra, self.work / f"{broker.name}-{w.id}-{phase.name}.json",
                             phase.timeout_s)
            if started and r["status"] != "failed":
                r["compaction"] = compaction.watch(started, phase.compaction)
                r["compaction"]["own"] = compaction.own_statements(broker.server_log, broker.name, topic)
            r["broker_process"] = sampler.stop()
            r["name"], r["measured"] = phase.name, phase.measured
            result["phases"].append(r)
            if r["status"] == "failed":
                result["status"] = "failed"
                result["reason"] = f"{phase.name}: {r.get('reason', '')}"
                break
            if phase_problems(r):
                result["status"] = "problems"
                found = "; ".join(phase_problems(r))
                result["reason"] = (result.get("reason", "") + "; " if result.get("reason") else "") + \
                    f"{phase.name}: {found}"
            if broker.proc.poll() is not None:
                result["status"] = "failed"
                result["reason"] = f"{broker.name} exited with {broker.proc.returncode}"
                break
        return result

    def cross_check(self, broker: brokers.Broker, records: int) -> dict:
        """W1 again with Kafka's ProducerPerformance (Java client, same producer settings), then
        ConsumerPerformance (Java consumer in a group) reading what it wrote."""
        topic = f"bench-xcheck-{broker.name}"
        create = self.loadgen(broker, topic, ["--create-topic", "--partitions", str(self.args.partitions),
                                              "--producers", "0"], self.work / "xcheck-create.json", 120)
        if create["status"] == "failed":
            failed = {"status": "failed", "reason": "topic: " + create.get("reason", "")}
            return {"producer_perf": failed, "consumer_perf": failed}
        out = {"producer_perf": self.producer_perf(broker, topic, records)}
        if out["producer_perf"]["status"] == "ok":
            out["consumer_perf"] = self.consumer_perf(broker, topic, out["producer_perf"]["records"])
        self.loadgen(broker, topic, ["--delete-topic", "--producers", "0"], self.work / "xcheck-delete.json", 120)
        return out

    def kafka_tool(self, broker: brokers.Broker, tool: str, args: list[str]) -> tuple[str, int, dict]:
        """Runs one of Kafka's perf tools; returns its stdout (with the end of its stderr), exit code
        and the broker's resources."""
        cmd = [str(REPO / "scripts" / "kafka-tool"), tool, *args]
        env = {**os.environ, "SLUICE_JAVA_OPTS": self.args.tool_jvm_opts}
        self.commands.append(f"SLUICE_JAVA_OPTS='{self.args.tool_jvm_opts}' " + " ".join(cmd))
        sampler = procstat.Sampler(broker.pid)
        sampler.start()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=self.args.xcheck_timeout, env=env)
            out, code = proc.stdout + proc.stderr[-300:], proc.returncode
        except subprocess.TimeoutExpired as e:
            out, code = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), -1
        return out, code, sampler.stop()

    def producer_perf(self, broker: brokers.Broker, topic: str, records: int) -> dict:
        args = ["--topic", topic, "--num-records", str(records), "--record-size", "1024", "--throughput", "-1",
                "--producer-props", f"bootstrap.servers={broker.bootstrap}", "acks=1", "linger.ms=10",
                "batch.size=1000000", "compression.type=none"]
        out, code, resources = self.kafka_tool(broker, "producer-perf-test", args)
        final = [l for l in out.splitlines() if "99.9th" in l]
        m = re.search(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
                      r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th",
                      final[-1] if final else "")
        if code != 0 or not m:
            return {"status": "failed", "reason": f"exit {code}: {out.strip()[-300:]}", "args": args}
        rps = float(m.group(2))
        return {"status": "ok", "args": args, "jvm_opts": self.args.tool_jvm_opts, "line": final[-1],
                "records": int(m.group(1)), "records_per_s": rps,
                "mb_per_s": rps * 1024 / 1e6,  # the tool prints MiB/s; converted to 10^6 B/s
                "avg_ms": float(m.group(4)), "max_ms": float(m.group(5)), "p50_ms": int(m.group(6)),
                "p95_ms": int(m.group(7)), "p99_ms": int(m.group(8)), "p999_ms": int(m.group(9)),
                "broker_process": resources}

    def consumer_perf(self, broker: brokers.Broker, topic: str, records: int) -> dict:
        args = ["--bootstrap-server", broker.bootstrap, "--topic", topic, "--messages", str(records),
                "--group", f"bench-xcheck-{broker.name}", "--timeout", "30000"]
        out, code, resources = self.kafka_tool(broker, "consumer-perf-test", args)
        # start.time, end.time, MiB, MiB/s, records, records/s, rebalance ms, fetch ms, fetch MiB/s,
        # fetch records/s
        rows = [l.split(", ") for l in out.splitlines() if l.count(", ") == 9 and not l.startswith("start.time")]
        # The tool exits 0 after its --timeout with fewer records, printing this warning.
        if code != 0 or not rows or "Exiting before consuming the expected number" in out:
            return {"status": "failed", "reason": f"exit {code}: {out.strip()[-300:]}", "args": args}
        f = rows[-1]
        mib = 1024 * 1024 / 1e6  # the tool prints MiB; converted to 10^6 B
        return {"status": "ok", "args": args, "jvm_opts": self.args.tool_jvm_opts, "line": ", ".join(f),
                "records": int(f[4]), "mb_per_s": float(f[3]) * mib, "records_per_s": float(f[5]),
                "rebalance_ms": int(f[6]), "fetch_ms": int(f[7]), "fetch_mb_per_s": float(f[8]) * mib,
                "fetch_records_per_s": float(f[9]), "broker_process": resources}

    def run_broker(self, broker, wl: list[workloads.Workload]) -> dict:
        log(f"{broker.name}: preparing")
        broker.prepare()
        broker.start()
        log(f"{broker.name}: ready in {broker.startup_s} s on {broker.bootstrap} (pid {broker.pid})")
        result = {"broker": broker.describe(), "workloads": {}}
        try:
            for i, w in enumerate(wl):
                log(f"{broker.name}: {w.id} {w.title}")
                try:
                    r = self.run_workload(broker, w, i)
                except Exception as e:  # noqa: BLE001 - a harness fault fails this workload only
                    r = {"status": "failed", "reason": f"harness: {type(e).__name__}: {e}"}
                result["workloads"][w.id] = r
                line = [p["stdout"].splitlines()[0] for p in r.get("phases", []) if p.get("measured") and p.get("stdout")]
                log(f"{broker.name}: {w.id} {r['status']}{': ' + r.get('reason', '') if r['status'] != 'ok' else ''}"
                    f"{' | ' + line[0] if line else ''}")
                if broker.proc.poll() is not None:
                    raise RuntimeError(f"{broker.name} exited with {broker.proc.returncode}; see {broker.log_path}")
            if self.args.xcheck and (not self.args.only or "W1" in self.args.only):
                log(f"{broker.name}: cross-check W1 with ProducerPerformance and ConsumerPerformance")
                result.update(self.cross_check(broker, self.args.xcheck_records))
                for key in ("producer_perf", "consumer_perf"):
                    if key in result:
                        log(f"{broker.name}: {key} {result[key]['status']}: "
                            f"{result[key].get('line') or result[key].get('reason', '')}")
        finally:
            result["broker_lifetime_peak_rss_mib"] = round(procstat.status_kib(broker.pid, "VmHWM") / 1024, 1) \
                if broker.proc.poll() is None else None
            broker.stop()
            log(f"{broker.name}: stopped")
        return result


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--smoke", action="store_true", help="a few seconds per workload, tiny sizes (CI)")
    p.add_argument("--duration", type=float, help="seconds of producing per workload (W1-W5; W6 too unless --w6-duration)")
    p.add_argument("--warmup", type=float, help="seconds left out of the summary figures")
    p.add_argument("--w6-duration", type=float)
    p.add_argument("--w6-rate-mbps", type=float, help="W6's fixed rate over all producers, MB/s")
    p.add_argument("--w7-gb", type=float, help="GB (10^9 B) of cold data for W7")
    p.add_argument("--w8-mb", type=float, help="MB (10^6 B) of keyed data that W8 compacts")
    p.add_argument("--partitions", type=int)
    p.add_argument("--only", help="comma-separated workload ids, e.g. W1,W4")
    p.add_argument("--brokers", default="kafka,sluice")
    p.add_argument("--no-xcheck", dest="xcheck", action="store_false")
    p.add_argument("--xcheck-records", type=int)
    p.add_argument("--xcheck-timeout", type=float, default=600)
    p.add_argument("--note", default="", help="printed at the top of the report (e.g. 'busy machine')")
    p.add_argument("--tag", default="", help="appended to the results directory name")
    p.add_argument("--out", type=Path, help="results directory (default bench/results/<date>-<host-kind>)")
    p.add_argument("--work", type=Path, required=True, help="scratch directory: broker data, logs")
    p.add_argument("--loadgen", type=Path, required=True)
    p.add_argument("--sluice-broker", type=Path, required=True)
    p.add_argument("--sluice-source", type=Path, help="source tree the broker was built from (for its commit)")
    p.add_argument("--sluice-flags", default="", help="extra sluice-broker flags")
    p.add_argument("--kafka-libs", type=Path, required=True)
    p.add_argument("--kafka-version", default="4.1.1")
    p.add_argument("--kafka-jvm-opts", default=brokers.KAFKA_DEFAULT_JVM_OPTS)
    p.add_argument("--tool-jvm-opts", default="-Xmx1g -XX:+UseG1GC",
                   help="JVM options of Kafka's perf tools (full JIT, unlike kafka-tool's default)")
    p.add_argument("--command-line", default="", help="how the run was started, for the report")
    args = p.parse_args()
    args.only = set(args.only.split(",")) if args.only else None
    # The brokers run in their own directories: every path must be absolute.
    for name in ("out", "work", "loadgen", "sluice_broker", "kafka_libs", "sluice_source"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    return args


def main() -> int:
    args = parse_args()
    sizes = workloads.Sizes.smoke() if args.smoke else workloads.Sizes()
    if args.duration:
        sizes.duration_s = sizes.w6_duration_s = args.duration
    if args.w6_duration:
        sizes.w6_duration_s = args.w6_duration
    if args.warmup is not None:
        sizes.warmup_s = args.warmup
    if args.w6_rate_mbps:
        sizes.w6_rate_mbps = args.w6_rate_mbps
    if args.w7_gb:
        sizes.w7_bytes = int(args.w7_gb * 1e9)
    if args.w8_mb:
        sizes.w8_bytes = int(args.w8_mb * 1e6)
    args.partitions_given = args.partitions
    if args.partitions:
        sizes.partitions = args.partitions
    args.partitions = sizes.partitions
    args.xcheck_records = args.xcheck_records or sizes.xcheck_records
    wl = workloads.build(sizes, args.only)

    data_root = args.work / "data"
    shutil.rmtree(data_root, ignore_errors=True)
    data_root.mkdir(parents=True)
    m = machine.describe(data_root, args.sluice_source or REPO)
    started = dt.datetime.now(dt.timezone.utc)
    if args.out is None:
        name = f"{started:%Y-%m-%d}-{machine.host_kind(m)}" + (f"-{args.tag}" if args.tag else "")
        out = REPO / "bench" / "results" / name
        n = 2
        while out.exists():
            out = REPO / "bench" / "results" / f"{name}-{n}"
            n += 1
    else:
        out = args.out
    out.mkdir(parents=True, exist_ok=True)
    runner = Runner(args, out, args.work)
    log(f"results in {out}; broker data in {data_root} ({m['disk']['filesystem']} on {m['disk']['device']})")

    resized = any(v is not None for v in (args.duration, args.warmup, args.w6_duration, args.w6_rate_mbps,
                                          args.w7_gb, args.w8_mb, args.partitions_given))
    mode = "smoke" if args.smoke else ("full, custom sizes" if resized else "full")
    results = {"started_utc": started.isoformat(timespec="seconds"), "mode": mode,
               "note": args.note, "command": args.command_line, "machine": m,
               "sizes": vars(sizes), "workloads": {w.id: {"title": w.title, "headline": w.headline,
                                                         "phases": [dataclasses.asdict(p) for p in w.phases]} for w in wl},
               "brokers": {}}
    order = [b for b in args.brokers.split(",") if b]
    live: list[brokers.Broker] = []
    failures = []
    results["speed_probes"] = {}

    def probe(when: str) -> None:
        """Records machine.speed_probe with the page cache as full as the workloads find it
        (smoke runs, which fill nothing, take it as it is)."""
        try:
            if not args.smoke:
                memory.fill_page_cache(args.work / "ballast")
            results["speed_probes"][when] = machine.speed_probe(args.work)
        except OSError as e:  # a probe that cannot run must not cost the run
            results["speed_probes"][when] = {"error": str(e)}
        log(f"speed probe {when}: {results['speed_probes'][when]}")
    try:
        for name in order:
            work = args.work / name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            if name == "kafka":
                b = brokers.KafkaBroker(work, data_root / "kafka", args.kafka_libs, args.kafka_version,
                                        args.kafka_jvm_opts)
            elif name == "sluice":
                b = brokers.SluiceBroker(work, data_root / "sluice", args.sluice_broker, args.sluice_flags.split())
            else:
                raise SystemExit(f"unknown broker {name}")
            live.append(b)
            probe(f"before {name}")
            try:
                results["brokers"][name] = runner.run_broker(b, wl)
            except Exception as e:  # noqa: BLE001 - record and go on to the other broker
                log(f"{name}: FAILED: {e}")
                results["brokers"][name] = {"broker": b.describe(), "error": str(e), "workloads": {}}
                failures.append(f"{name}: {e}")
            shutil.rmtree(data_root / name, ignore_errors=True)  # free the disk for the next broker
        probe("at the end")
    finally:
        brokers.stop_all(live)
        (args.work / "ballast").unlink(missing_ok=True)
    results["finished_utc"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["loadavg_at_end"] = Path("/proc/loadavg").read_text().strip()
    results["loadgen_commands"] = runner.commands
    (out / "raw").mkdir(exist_ok=True)
    (out / "raw" / "results.json").write_text(
        paths.scrub(json.dumps(results, separators=(",", ":"))) + "\n")
    summary = report.write(out)
    log(f"report: {out / 'report.md'}")
    for name, b in results["brokers"].items():
        for wid, r in b.get("workloads", {}).items():
            if r["status"] == "failed":
                failures.append(f"{name} {wid}: failed: {r.get('reason', '')}")
            for p in r.get("phases", []):
                bad = broken(p)
                for problem in bad:
                    failures.append(f"{name} {wid} {p['name']}: {problem}")
                for slow in set(phase_problems(p)) - set(bad):
                    log(f"note: {name} {wid} {p['name']}: {slow}")
        for key, tool in (("producer_perf", "ProducerPerformance"), ("consumer_perf", "ConsumerPerformance")):
            if b.get(key) and b[key]["status"] != "ok":
                failures.append(f"{name} {tool}: {b[key].get('reason', '')}")
    for f in failures:
        log(f"problem: {f}")
    print(summary)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
