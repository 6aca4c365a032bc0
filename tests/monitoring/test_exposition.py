"""A real broker's and operator's /metrics pass `promtool check metrics`, and the broker's
alerting gauges (broker/server/partition_health_collector.h) hold values that match reality:
none offline after creating a topic, one offline after its log was damaged, the data dir's
filesystem as statvfs sees it, the lag a real client's commit left."""

from __future__ import annotations

import os

import harness
from conftest import COMMITTED, GROUP, PARTITIONS, RECORDS, TOPIC, binary, run_promtool
from promql_names import Exposition


def check_metrics(promtool, scrape) -> None:
    proc = run_promtool(promtool, "check", "metrics", input=scrape.text)
    assert proc.returncode == 0, (f"promtool check metrics failed:\n{proc.stdout}{proc.stderr}")


def test_broker_metrics_pass_promtool_check_metrics(promtool, broker_scrape):
    check_metrics(promtool, broker_scrape)


def test_operator_metrics_pass_promtool_check_metrics(promtool, operator_scrape):
    check_metrics(promtool, operator_scrape)


def test_broker_reports_no_offline_or_under_replicated_partitions_after_creating_a_topic(
        broker_scrape):
    assert broker_scrape.value("sluice_log_partitions") == PARTITIONS
    assert broker_scrape.value("sluice_log_partitions_offline") == 0
    assert broker_scrape.value("sluice_log_partitions_under_replicated") == 0


def test_broker_reports_its_data_dir_filesystem_capacity_and_free_bytes(broker_scrape):
    data_dir = os.path.abspath(broker_scrape.data_dir)
    [(cap_labels, capacity)] = broker_scrape.values("sluice_log_dir_capacity_bytes")
    [(free_labels, free)] = broker_scrape.values("sluice_log_dir_free_bytes")
    assert cap_labels == free_labels == {"dir": data_dir}
    fs = os.statvfs(data_dir)
    assert capacity == fs.f_blocks * fs.f_frsize, "capacity is the filesystem's size"
    assert 0 < free <= capacity
    # Free space moves as anything on the machine writes; it must be near what we see now.
    assert abs(free - fs.f_bavail * fs.f_frsize) <= max(0.05 * capacity, 1 << 30)


def test_broker_reports_the_lag_of_a_committed_consumer_group(broker_scrape):
    lag = {(labels["group"], labels["topic"]): v
           for labels, v in broker_scrape.values("sluice_group_lag_records")}
    assert lag == {(GROUP, TOPIC): RECORDS // PARTITIONS - COMMITTED}


def test_a_partition_whose_log_cannot_open_is_counted_offline(tmp_path):
    """End to end: damage one partition's segment while the broker is down (the file becomes a
    directory); after a restart the broker serves the others and reports that one offline."""
    broker = harness.Broker(binary=binary("SLUICE_BROKER_BIN", "broker/sluice-broker"),
                            workdir=tmp_path / "broker")
    try:
        broker.start()
        harness.create_topic(broker.bootstrap, "damaged", 2)
        broker.stop()
        segment = broker.partition_dir("damaged", 1) / "00000000000000000000.log"
        segment.unlink()
        (segment / "kept").mkdir(parents=True)
        broker.start()
        status, body = broker.http_get("/metrics")
        assert status == 200
        scrape = Exposition(body.decode())
        assert scrape.value("sluice_log_partitions_offline") == 1
        assert scrape.value("sluice_log_partitions_under_replicated") == 0
        broker.stop()
    finally:
        broker.close()
