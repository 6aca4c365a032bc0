"""Every metric name the alert rules and the Grafana dashboard use exists in a real broker's or
operator's /metrics (only `up` is Prometheus's own). The negative controls show the check
finds names and rejects ones no program exports, so it cannot pass vacuously."""

from __future__ import annotations

import json

import pytest

from conftest import DASHBOARD
from promql_names import metric_names, missing_names
from rules_file import read_rules


def rule_exprs() -> list[str]:
    return [r.fields["expr"] for r in read_rules()]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = []

    def walk(panels):
        for panel in panels:
            exprs.extend(t["expr"] for t in panel.get("targets", []) if t.get("expr"))
            walk(panel.get("panels", []))

    walk(dashboard["panels"])
    for var in dashboard["templating"]["list"]:
        if var["type"] == "query":
            query = var["query"]
            exprs.append(query["query"] if isinstance(query, dict) else query)
    return exprs


def names_in(exprs: list[str]) -> set[str]:
    return set().union(*(metric_names(e) for e in exprs))


def test_every_metric_in_the_alert_rules_is_exported(broker_scrape, operator_scrape):
    names = names_in(rule_exprs())
    assert len(names) >= 6, f"too few names found, is the scan broken? {names}"
    missing = missing_names(names, [broker_scrape, operator_scrape])
    assert missing == set(), "used by the alert rules but in neither /metrics"


def test_every_metric_in_the_dashboard_is_exported(broker_scrape, operator_scrape):
    exprs = dashboard_exprs()
    assert len(exprs) >= 30
    assert all(metric_names(e) for e in exprs), [e for e in exprs if not metric_names(e)]
    missing = missing_names(names_in(exprs), [broker_scrape, operator_scrape])
    assert missing == set(), "used by the dashboard but in neither /metrics"


@pytest.mark.parametrize("expr, names", [
    ('up{job="sluice-broker"} == 0', {"up"}),
    ("sluice_log_dir_free_bytes / sluice_log_dir_capacity_bytes < 0.10 and "
     "predict_linear(sluice_log_dir_free_bytes[6h], 24 * 3600) < 0",
     {"sluice_log_dir_free_bytes", "sluice_log_dir_capacity_bytes"}),
    ('histogram_quantile(0.99, sum by (api, le) (rate(x_seconds_bucket{job="j", '
     'pod=~"$pod"}[$__rate_interval])))', {"x_seconds_bucket"}),
    ('sum(rate(a_total[5m])) by (controller) / on (controller) group_left b_total', {"a_total", "b_total"}),
    ('label_values(sluice_log_partitions{namespace=~"$namespace"}, sluice_cluster)',
     {"sluice_log_partitions"}),
    ('absent(up{job="sluice-operator"})', {"up"}),
    ("max(m1) unless ignoring (pod) m2 > 1e9", {"m1", "m2"}),
])
def test_name_scan_finds_exactly_the_metric_names(expr, names):
    assert metric_names(expr) == names


def test_name_check_rejects_a_made_up_metric(broker_scrape, operator_scrape):
    scrapes = [broker_scrape, operator_scrape]
    real = names_in(rule_exprs()) | names_in(dashboard_exprs())
    made_up = metric_names("rate(sluice_server_made_up_requests_total[5m]) > 0")
    assert missing_names(real | made_up, scrapes) == {"sluice_server_made_up_requests_total"}
    # A histogram suffix on a gauge is not a series either.
    assert missing_names({"sluice_server_connections_bucket"}, scrapes) == {
        "sluice_server_connections_bucket"}
    # And a scrape of nothing has none of the real names.
    from promql_names import Exposition
    assert missing_names(real, [Exposition("")]) == real - {"up"}
