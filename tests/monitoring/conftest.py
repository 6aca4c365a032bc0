"""Fixtures for the monitoring suite: a real broker and a real operator to scrape, and promtool.

  broker_scrape     a sluice-broker (tests/integration/harness.py) after real traffic: a topic
                    created, records produced and a consumer-group offset committed with
                    kafka-python, so every family has samples; its /metrics parsed.
  operator_scrape   a sluice-operator with leader election off, pointed at a loopback port
                    where no API server listens: it serves /metrics before and without a
                    connection (its informers retry), and its controllers' workers create the
                    reconcile series at start. Its /metrics parsed.
  promtool          path of promtool, built from Go modules by scripts/tools/go-tool.sh
                    (cached after the first build).

Environment:
  SLUICE_BROKER_BIN     broker binary   (default $SLUICE_BUILD_DIR/broker/sluice-broker)
  SLUICE_OPERATOR_BIN   operator binary (default $SLUICE_BUILD_DIR/operator/sluice-operator)
  SLUICE_BUILD_DIR      default build/ at the repository top
  SLUICE_PROMTOOL       a promtool binary to use instead of building one
A missing binary or a promtool that cannot be built fails the suite; nothing is skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

import harness  # noqa: E402  (tests/integration/harness.py)
from promql_names import Exposition  # noqa: E402

DASHBOARD = REPO / "charts" / "sluice" / "files" / "grafana-dashboard.json"
PROMTOOL_MODULE = "github.com/prometheus/prometheus/cmd/promtool@v0.316.0"
TOPIC = "monitoring-orders"
GROUP = "monitoring-billing"
PARTITIONS = 3
RECORDS = 300
COMMITTED = 40  # offset committed for partition 0, which holds RECORDS / PARTITIONS records


def build_dir() -> Path:
    return Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))


def binary(env: str, relative: str) -> Path:
    path = Path(os.environ[env]) if os.environ.get(env) else build_dir() / relative
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{path} not found: build it (ninja -C {build_dir()} {path.name}) or set {env}",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def promtool() -> Path:
    if os.environ.get("SLUICE_PROMTOOL"):
        return Path(os.environ["SLUICE_PROMTOOL"])
    proc = subprocess.run([str(REPO / "scripts" / "tools" / "go-tool.sh"), PROMTOOL_MODULE],
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        pytest.fail(f"building {PROMTOOL_MODULE} failed:\n{proc.stderr[-3000:]}", pytrace=False)
    return Path(proc.stdout.strip().splitlines()[-1])


def run_promtool(promtool: Path, *args: str, input: str | None = None,
                 cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(promtool), *args], input=input, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def _traffic(bootstrap: str) -> None:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    harness.create_topic(bootstrap, TOPIC, PARTITIONS)
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        for i in range(RECORDS):
            producer.send(TOPIC, key=b"k%d" % i, value=b"v" * 100, partition=i % PARTITIONS)
        producer.flush(timeout=30)
    finally:
        producer.close(timeout=10)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=GROUP,
                             enable_auto_commit=False)
    try:
        consumer.commit({TopicPartition(TOPIC, 0): OffsetAndMetadata(COMMITTED, "")})
    finally:
        consumer.close()


@pytest.fixture(scope="session")
def broker_scrape(tmp_path_factory) -> Exposition:
    broker = harness.Broker(binary=binary("SLUICE_BROKER_BIN", "broker/sluice-broker"),
                            workdir=tmp_path_factory.mktemp("broker"))
    try:
        broker.start()
        _traffic(broker.bootstrap)
        status, body = broker.http_get("/metrics")
        assert status == 200, f"GET /metrics gave {status}\n{broker.describe()}"
        scrape = Exposition(body.decode(), data_dir=broker.data_dir)
        broker.stop()  # exit 0 after SIGTERM, or it raises
        return scrape
    finally:
        broker.close()


KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:{port}
    insecure-skip-tls-verify: true
users:
- name: nobody
  user:
    token: unused
contexts:
- name: nowhere
  context:
    cluster: nowhere
    user: nobody
current-context: nowhere
"""


@pytest.fixture(scope="session")
def operator_scrape(tmp_path_factory) -> Exposition:
    work = tmp_path_factory.mktemp("operator")
    kubeconfig = work / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG.format(port=harness.free_port()))  # nothing listens there
    metrics_port, health_port = harness.free_port(), harness.free_port()
    log_path = work / "operator.log"
    cmd = [str(binary("SLUICE_OPERATOR_BIN", "operator/sluice-operator")),
           "--kubeconfig", str(kubeconfig), "--leader-election", "off",
           "--http-host", harness.LOCALHOST, "--metrics-port", str(metrics_port),
           "--health-port", str(health_port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{harness.LOCALHOST}:{metrics_port}/metrics"
    try:
        body = b""

        def reconcile_series_exist() -> bool:
            nonlocal body
            if proc.poll() is not None:
                raise harness.HarnessError(
                    f"sluice-operator exited {proc.returncode}:\n{harness.tail(log_path)}")
            status, body = harness.http_get(url, timeout=2)
            return status == 200 and b"sluice_operator_reconcile_total{" in body

        harness.wait_for(reconcile_series_exist, 30, "the operator's reconcile series", 0.1)
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
        assert rc == 0, f"sluice-operator exited {rc} after SIGTERM:\n{harness.tail(log_path)}"
        return Exposition(body.decode())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

