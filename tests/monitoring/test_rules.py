"""The alert rules pass `promtool check rules`, their unit tests (rules_test.yaml) pass
`promtool test rules`, and every alert the issue asks for is there, labelled, annotated and
unit-tested both firing and quiet."""

from __future__ import annotations

import re

import pytest

from conftest import HERE, REPO, run_promtool
from rules_file import RULES, read_rules

RULES_TEST = HERE / "rules_test.yaml"
REQUIRED_ALERTS = {
    "SluiceBrokerDown", "SluiceOperatorDown", "SluiceUnderReplicatedPartitions",
    "SluiceOfflinePartitions", "SluiceDiskNearlyFull", "SluiceConsumerLagHigh",
    "SluiceOperatorReconcileErrors",
}


def test_rules_file_passes_promtool_check_rules_and_the_reader_sees_every_rule(promtool):
    proc = run_promtool(promtool, "check", "rules", str(RULES.relative_to(REPO)))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"promtool check rules failed:\n{out}"
    m = re.search(r"SUCCESS: (\d+) rules found", out)
    assert m, out
    assert int(m.group(1)) == len(read_rules()), "rules_file.py missed rules promtool found"


def test_alert_unit_tests_pass_promtool_test_rules(promtool):
    proc = run_promtool(promtool, "test", "rules", str(RULES_TEST.relative_to(REPO)))
    assert proc.returncode == 0, f"promtool test rules failed:\n{proc.stdout}{proc.stderr}"


def test_required_alerts_exist_with_severity_summary_and_description():
    alerts = {r.name: r for r in read_rules() if r.kind == "alert"}
    assert REQUIRED_ALERTS <= alerts.keys(), REQUIRED_ALERTS - alerts.keys()
    for name, rule in alerts.items():
        assert rule.fields.get("severity") in ("critical", "warning"), name
        assert rule.fields.get("summary") and rule.fields.get("description"), name


def test_every_alert_is_unit_tested_firing_and_quiet():
    lines = RULES_TEST.read_text().splitlines()
    firing, quiet = set(), set()
    for i, line in enumerate(lines):
        m = re.match(r"\s*alertname:\s*(\S+)", line)
        if m:
            (quiet if lines[i + 1].strip() == "exp_alerts: []" else firing).add(m.group(1))
    alerts = {r.name for r in read_rules() if r.kind == "alert"}
    assert alerts - firing == set(), "alerts never shown firing"
    assert alerts - quiet == set(), "alerts never shown staying quiet"


@pytest.mark.parametrize("old, new", [
    ("expr: up{job=\"sluice-broker\"} == 0\n        for: 2m", "expr: up{job=\"sluice-broker\"} == 0\n        for: 10m"),
    ("sluice_log_partitions_offline > 0", "sluice_log_partitions_offline > 2"),
    ("sluice_log_partitions_under_replicated > 0\n        for: 10m",
     "sluice_log_partitions_under_replicated > 0\n        for: 1m"),
    ("sluice_log_dir_capacity_bytes < 0.10", "sluice_log_dir_capacity_bytes < 0.04"),
    ("predict_linear(sluice_log_dir_free_bytes[6h], 24 * 3600)",
     "predict_linear(sluice_log_dir_free_bytes[6h], 6 * 3600)"),
    ("increase(sluice_log_flush_errors_total[5m]) > 0", "increase(sluice_log_flush_errors_total[5m]) > 10"),
    ("sluice_group_lag_records > 10000", "sluice_group_lag_records > 9999"),
    ("process_max_fds{job=\"sluice-broker\"} > 0.90", "process_max_fds{job=\"sluice-broker\"} > 0.96"),
    ("expr: up{job=\"sluice-operator\"} == 0", "expr: up{job=\"sluice-operator\"} == 1"),
    ("absent(up{job=\"sluice-operator\"})", "absent(up{job=\"sluice-broker\"})"),
    ("increase(sluice_operator_reconcile_errors_total[10m])",
     "increase(sluice_operator_reconcile_errors_total[30m])"),
])
def test_alert_unit_tests_fail_when_a_rule_changes(promtool, tmp_path, old, new):
    """Negative control: each alert's unit tests notice a changed threshold or window."""
    text = RULES.read_text()
    assert text.count(old) == 1, old
    (tmp_path / "rules.yaml").write_text(text.replace(old, new))
    test = RULES_TEST.read_text().replace("../../charts/sluice/files/prometheus-rules.yaml",
                                          "rules.yaml")
    (tmp_path / "rules_test.yaml").write_text(test)
    assert run_promtool(promtool, "check", "rules", "rules.yaml", cwd=tmp_path).returncode == 0
    proc = run_promtool(promtool, "test", "rules", "rules_test.yaml", cwd=tmp_path)
    assert proc.returncode != 0, f"unit tests still pass with {new!r}:\n{proc.stdout}"
