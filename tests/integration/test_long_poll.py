"""Fetch long polling (max.wait.ms) under many concurrent appends, with librdkafka clients.

A fetch that finds nothing parks in the broker until an append to one of its partitions or
its deadline. Every parked fetch must be unparked again: sluice_server_fetches_waiting returns
to 0 once the consumers stop. A fetch that raced an append while parking, and was answered
without unparking, stayed registered forever; every later append to those partitions paid for
it, and over minutes of load the broker slowed down (seconds of produce latency).

The load is bench/'s sluice-loadgen (librdkafka 2.x): 50 keyed producers with linger 1 ms and a
tailing consumer, the shape that lost about 3 parked fetches per second before the fix.
"""

import json

import pytest

import harness
from test_metrics import scrape

LOADGEN = harness.BUILD_DIR / "bench" / "loadgen" / "sluice-loadgen"


def fetches_waiting(broker) -> float:
    samples, _ = scrape(broker)
    return samples[("sluice_server_fetches_waiting", ())]


def test_parked_fetches_are_all_released_after_load(broker, topic_name, tmp_path):
    if not LOADGEN.is_file():
        pytest.skip(f"{LOADGEN.relative_to(harness.REPO)} is not built (CMake target sluice-loadgen)")
    assert fetches_waiting(broker) == 0
    out = tmp_path / "loadgen.json"
    proc = harness.run([str(LOADGEN), "--bootstrap", broker.bootstrap, "--topic", topic_name,
                        "--create-topic", "--partitions", "50", "--producers", "50", "--keyed",
                        "--consumers", "1", "--linger-ms", "1", "--rate-mbps", "10",
                        "--duration", "8", "--drain", "15", "--json", str(out)],
                       timeout=120, check=False)
    result = json.loads(out.read_text())
    summary = result["summary"]
    assert not result["errors"], result["errors"]
    # The load generator exits 3 for any problem it reports, timing included: 50 producers on
    # a busy 2-core machine may fall behind the 10 MB/s schedule, which this test is not about.
    problems = [p for p in result["problems"] if p not in result["timing_problems"]]
    assert proc.returncode in (0, 3) and not problems, (proc.returncode, result["problems"])
    assert summary["produce_total_records"] > 50000, summary
    assert summary["consume_total_records"] == summary["produce_total_records"], summary
    # The consumer's last fetch is answered within its wait and the client is closed, so
    # nothing may be left parked.
    harness.wait_for(lambda: fetches_waiting(broker) == 0, 10,
                     "sluice_server_fetches_waiting to return to 0")
