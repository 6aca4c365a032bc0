"""PNG plots for the report (matplotlib, from Debian's python3-matplotlib). Optional: without
matplotlib the report says so and has tables only."""
from __future__ import annotations

from pathlib import Path

COLORS = {"kafka": "#1f77b4", "sluice": "#d62728"}
QUANTILES = [("p50_us", "p50"), ("p90_us", "p90"), ("p99_us", "p99"), ("p999_us", "p99.9"),
             ("p9999_us", "p99.99"), ("max_us", "max")]


def _measured(results: dict, broker: str, wid: str) -> dict | None:
    r = results["brokers"].get(broker, {}).get("workloads", {}).get(wid)
    if not r or r.get("status") not in ("ok", "problems"):
        return None
    phases = [p for p in r["phases"] if p.get("measured") and "loadgen" in p]
    return phases[-1] if phases else None


def draw(results: dict, cmp: dict, out: Path) -> tuple[dict[str, list[str]], str]:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}, "Plots skipped: matplotlib is not installed (apt-get install python3-matplotlib)."
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {"all": []}

    def save(fig, name: str, group: str) -> None:
        fig.tight_layout()
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        files.setdefault(group, []).append(name)

    for wid in results["workloads"]:
        title = f"{wid}: {results['workloads'][wid]['title']}"
        # Throughput over time, with the broker's CPU underneath.
        fig, (ax, ax_cpu) = plt.subplots(2, 1, figsize=(9, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
        drawn = False
        for broker in ("kafka", "sluice"):
            p = _measured(results, broker, wid)
            if not p:
                continue
            series = p["loadgen"].get("series")
            if not series:  # neither produced nor consumed (W8's compact phase)
                continue
            t = [s["t_s"] for s in series]
            mk = "o" if len(series) < 15 else None  # short runs: show the points
            if p["loadgen"]["options"]["producers"] > 0:
                ax.plot(t, [s["produced_mb_per_s"] for s in series], color=COLORS[broker], marker=mk,
                        label=f"{broker} produced")
            if p["loadgen"]["options"]["consumers"] > 0:
                ax.plot(t, [s["consumed_mb_per_s"] for s in series], color=COLORS[broker], linestyle="--",
                        marker=mk, label=f"{broker} consumed")
            cpu = p["broker_process"]["series"]
            ax_cpu.plot([c["t_s"] for c in cpu], [c["cpu_percent"] for c in cpu], color=COLORS[broker], marker=mk,
                        label=broker)
            drawn = True
        if drawn:
            ax.set_title(title, fontsize=10)
            ax.set_ylabel("MB/s (10^6 B/s)")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
            ax_cpu.set_ylabel("broker CPU %")
            ax_cpu.set_xlabel("seconds since the load started")
            ax_cpu.grid(alpha=0.3)
            save(fig, f"throughput-{wid}.png", wid)
        else:
            plt.close(fig)

        # Latency percentile spectrum.
        fig, ax = plt.subplots(figsize=(7, 4))
        drawn = False
        for broker in ("kafka", "sluice"):
            p = _measured(results, broker, wid)
            if not p:
                continue
            s = p["loadgen"].get("summary")
            if not s:
                continue
            for side, style, name in (("produce", "-", "produce"), ("consume", "--", "end-to-end")):
                lat = s[side]["latency"]
                if lat["count"]:
                    ax.plot([q[1] for q in QUANTILES], [max(lat[q[0]], 1) / 1000 for q in QUANTILES],
                            color=COLORS[broker], linestyle=style, marker="o", label=f"{broker} {name}")
                    drawn = True
        if drawn:
            ax.set_yscale("log")
            ax.set_ylabel("latency, ms (log)")
            ax.set_title(f"{title}: latency percentiles", fontsize=10)
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=8)
            save(fig, f"latency-{wid}.png", wid)
        else:
            plt.close(fig)

    # p99.9 per second over the long run (W6).
    if "W6" in results["workloads"]:
        fig, ax = plt.subplots(figsize=(9, 4))
        drawn = False
        for broker in ("kafka", "sluice"):
            p = _measured(results, broker, "W6")
            if not p:
                continue
            series = p["loadgen"]["series"]
            t = [s["t_s"] for s in series]
            for key, style, name in (("produce_latency", "-", "produce"), ("e2e_latency", "--", "end-to-end")):
                if any(s[key]["count"] for s in series):
                    ax.plot(t, [s[key]["p999_us"] / 1000 if s[key]["count"] else float("nan") for s in series],
                            color=COLORS[broker],
                            linestyle=style, label=f"{broker} {name} p99.9")
                    drawn = True
        if drawn:
            ax.set_yscale("log")
            ax.set_ylabel("p99.9 of each second, ms (log)")
            ax.set_xlabel("seconds since the load started")
            ax.set_title("W6: p99.9 over time", fontsize=10)
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=8)
            save(fig, "w6-p999-over-time.png", "W6")
        else:
            plt.close(fig)

    # W8: the closed segments shrinking as the cleaner works.
    if "W8" in results["workloads"]:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        drawn = False
        for broker in ("kafka", "sluice"):
            p = _measured(results, broker, "W8")
            samples = (p or {}).get("compaction", {}).get("samples")
            if samples:
                ax.plot([x[0] for x in samples], [x[1] / 1e6 for x in samples], color=COLORS[broker], label=broker)
                drawn = True
        if drawn:
            ax.set_ylabel("closed segments, MB")
            ax.set_xlabel("seconds since min.compaction.lag.ms was set to 0")
            ax.set_title("W8: compaction, seen from outside", fontsize=10)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
            save(fig, "w8-compaction.png", "W8")
        else:
            plt.close(fig)

    # Overview: p99 per workload, and broker CPU and memory per workload.
    wids = list(cmp)
    for key, ylabel, name, log in (("produce_p99_ms", "produce p99, ms (log)", "overview-produce-p99.png", True),
                                   ("e2e_p99_ms", "end-to-end p99, ms (log)", "overview-e2e-p99.png", True),
                                   ("broker_cpu_s_per_gb", "broker CPU s per GB moved", "overview-cpu-per-gb.png", False),
                                   ("broker_peak_rss_mib", "broker peak RSS, MiB", "overview-peak-rss.png", False)):
        fig, ax = plt.subplots(figsize=(8, 3.6))
        drawn = False
        for i, broker in enumerate(("kafka", "sluice")):
            xs, ys = [], []
            for j, wid in enumerate(wids):
                v = cmp[wid]["figures"].get(broker, {}).get(key)
                if v is not None:
                    xs.append(j + (i - 0.5) * 0.38)
                    ys.append(v)
            if xs:
                ax.bar(xs, ys, width=0.38, color=COLORS[broker], label=broker)
                drawn = True
        if drawn:
            ax.set_xticks(range(len(wids)), wids)
            ax.set_ylabel(ylabel)
            if log:
                ax.set_yscale("log")
            ax.grid(alpha=0.3, axis="y")
            ax.legend(fontsize=8)
            save(fig, name, "all")
        else:
            plt.close(fig)
    return files, ""
