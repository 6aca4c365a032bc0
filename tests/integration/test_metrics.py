"""The HTTP side: /healthz, /readyz and Prometheus /metrics after real traffic.

Metric names are matched by pattern, not spelled out, so the test follows STYLE.md rule 9
(sluice_<module>_<what>_<unit>, counters end in _total) without fixing the module names:
  request counts: a sluice_* counter whose name contains "request" with a label naming the API
                  ("Produce", "produce" or "0"; "ApiVersions", "api_versions" or "18", ...)
  bytes in/out:   a sluice_* counter whose name contains "bytes" and says the direction in its
                  name (in/received/rx/request vs out/sent/tx/response) or in a label value.
"""

from __future__ import annotations

import re

import harness
import kafka_wire as kw

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

API_ALIASES = {"produce": {"produce", "0"}, "fetch": {"fetch", "1"},
               "apiversions": {"apiversions", "18"}, "metadata": {"metadata", "3"}}
IN_WORDS = {"in", "received", "rx", "inbound", "ingress", "request"}
OUT_WORDS = {"out", "sent", "tx", "outbound", "egress", "response"}


def norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def scrape(broker) -> tuple[dict, dict]:
    """Returns ({(name, labels): value}, {family: type}) and checks the text is well formed."""
    status, body = broker.http_get("/metrics")
    assert status == 200, f"GET /metrics gave {status}"
    samples, types = {}, {}
    for line in body.decode().splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3]
            continue
        m = SAMPLE.match(line)
        assert m, f"malformed exposition line: {line!r}"
        name, _, labels, value = m.group(1), m.group(2), m.group(3) or "", m.group(4)
        key = (name, tuple(sorted(LABEL.findall(labels))))
        assert key not in samples, f"duplicate series {key}"
        samples[key] = float(value)
    return samples, types


def request_series(samples: dict, api: str) -> float:
    total = 0.0
    for (name, labels), v in samples.items():
        if name.startswith("sluice_") and "request" in name and name.endswith("_total"):
            if any(norm(val) in API_ALIASES[api] for _, val in labels):
                total += v
    return total


def byte_series(samples: dict, words: set[str]) -> float:
    total = 0.0
    for (name, labels), v in samples.items():
        if not (name.startswith("sluice_") and "bytes" in name):
            continue
        tokens = set(name.split("_")) | {norm(val) for _, val in labels}
        if tokens & words:
            total += v
    return total


def test_healthz_and_readyz_return_200(broker):
    assert broker.http_get("/healthz")[0] == 200
    assert broker.http_get("/readyz")[0] == 200


def test_metrics_count_requests_by_api_and_bytes_in_and_out(broker, tmp_path, topic_name):
    before, _ = scrape(broker)
    n_api_versions = 25
    for i in range(n_api_versions):
        with kw.connect(broker.bootstrap) as s:
            s.sendall(kw.api_versions_request(0, i))
            kw.recv_frame(s)
    records = [(b"key-%d" % i, b"x" * 1000) for i in range(200)]
    payload = sum(len(k) + len(v) for k, v in records)
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path, records)
    assert len(harness.kcat_consume(broker.bootstrap, topic_name)) == len(records)
    after, types = scrape(broker)

    assert any(name.startswith("sluice_") for name, _ in after), "no sluice_ metrics exposed"
    grew = request_series(after, "apiversions") - request_series(before, "apiversions")
    assert grew >= n_api_versions, f"ApiVersions request count grew by {grew}, sent {n_api_versions}"
    for api in ("produce", "fetch", "metadata"):
        assert request_series(after, api) > request_series(before, api), f"no {api} requests counted"
    bytes_in = byte_series(after, IN_WORDS) - byte_series(before, IN_WORDS)
    bytes_out = byte_series(after, OUT_WORDS) - byte_series(before, OUT_WORDS)
    assert bytes_in >= payload, f"bytes-in grew by {bytes_in}, produced {payload} payload bytes"
    assert bytes_out >= payload, f"bytes-out grew by {bytes_out}, consumed {payload} payload bytes"


def test_metrics_counters_follow_naming_rule(broker):
    samples, types = scrape(broker)
    sluice = {name for name, _ in samples if name.startswith("sluice_")}
    assert sluice, "no sluice_ metrics exposed"
    counters = [f for f, t in types.items() if t == "counter" and f.startswith("sluice_")]
    assert counters, "no sluice_ counters declared with # TYPE"
    for family in counters:
        names = {name for name, _ in samples if name in (family, family + "_total")}
        assert names, f"counter {family} has no samples"
        assert all(n.endswith("_total") for n in names), f"counter {family} samples {names} lack _total"


def write_behind_bytes(broker) -> float:
    samples, _ = scrape(broker)
    return samples.get(("sluice_log_write_behind_bytes_total", ()), 0.0)


def test_write_behind_starts_disk_writes_of_produced_pages(broker_factory, tmp_path, topic_name):
    """5 MB through kcat into one partition: with log.write.behind.bytes at 1 MiB all but
    the last megabyte (and page) goes to early write-out, and every record reads back
    intact. 1 MiB is the default; with 0 nothing does."""
    records = [(b"key-%d" % i, bytes([65 + i % 26]) * 10_000) for i in range(500)]
    on = broker_factory()
    harness.kcat_produce(on.bootstrap, topic_name, tmp_path, records)
    harness.wait_for(lambda: write_behind_bytes(on) >= 3 * 1024 * 1024, 30,
                     "3 MiB of write-behind on /metrics")
    got = harness.kcat_consume(on.bootstrap, topic_name)
    assert [(r.key, r.value) for r in got] == records

    off = broker_factory("--log-write-behind-bytes", "0")
    harness.kcat_produce(off.bootstrap, topic_name, tmp_path, records)
    assert len(harness.kcat_consume(off.bootstrap, topic_name)) == len(records)
    assert write_behind_bytes(off) == 0
