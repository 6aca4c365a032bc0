"""The Grafana dashboard is well formed: every query goes through the ${datasource} variable,
the namespace and cluster variables exist, panel ids are unique and panels fit the 24-column
grid. (Its metric names are checked in test_metric_names.py.)"""

from __future__ import annotations

import json

from conftest import DASHBOARD


def load():
    return json.loads(DASHBOARD.read_text())


def test_dashboard_uses_the_datasource_variable_everywhere():
    dashboard = load()
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert {"namespace", "cluster"} <= variables.keys()
    uids = {d["uid"] for d in _datasources(dashboard)}
    assert uids == {"${datasource}"}, uids


def _datasources(node):
    if isinstance(node, dict):
        if isinstance(node.get("datasource"), dict):
            yield node["datasource"]
        for v in node.values():
            yield from _datasources(v)
    elif isinstance(node, list):
        for v in node:
            yield from _datasources(v)


def test_dashboard_panels_have_unique_ids_and_fit_the_grid():
    panels = load()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    for p in panels:
        g = p["gridPos"]
        assert 0 <= g["x"] and g["x"] + g["w"] <= 24, p["title"]
        if p["type"] != "row":
            assert p.get("targets") and p.get("description"), p["title"]
