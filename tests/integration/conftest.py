"""Fixtures for the integration suite. Helpers live in harness.py.

Options (each also an environment variable):
  --broker-bin PATH          SLUICE_BROKER_BIN            default <repo>/build/broker/sluice-broker
  --broker-prefix "CMD ..."  SLUICE_BROKER_PREFIX         run the broker under a command, e.g.
                                                          "valgrind --error-exitcode=99" or "taskset -c 0"
  --broker-start-timeout S   SLUICE_BROKER_START_TIMEOUT  seconds to wait for /readyz (default 30)
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

import harness


def pytest_addoption(parser):
    group = parser.getgroup("sluice")
    group.addoption("--broker-bin", default=os.environ.get(
        "SLUICE_BROKER_BIN", str(harness.REPO / "build" / "broker" / "sluice-broker")))
    group.addoption("--broker-prefix", default=os.environ.get("SLUICE_BROKER_PREFIX", ""))
    group.addoption("--broker-start-timeout", type=float,
                    default=float(os.environ.get("SLUICE_BROKER_START_TIMEOUT", "30")))


@pytest.fixture
def broker_factory(request, tmp_path):
    """make(*extra_args) starts a fresh broker (own ports, own data dir) and returns it.

    At teardown every broker still running is stopped with SIGTERM and must exit 0, and its
    stderr must hold no sanitizer report: every test thereby also checks clean shutdown.
    """
    cfg = request.config
    brokers: list[harness.Broker] = []

    def make(*extra_args: str) -> harness.Broker:
        b = harness.Broker(
            binary=Path(cfg.getoption("--broker-bin")),
            workdir=tmp_path / f"broker{len(brokers)}",
            extra_args=extra_args,
            prefix=shlex.split(cfg.getoption("--broker-prefix")),
            start_timeout=cfg.getoption("--broker-start-timeout"))
        brokers.append(b)
        error = None
        try:
            b.start()
        except harness.BrokerStartError as e:
            error = str(e)
        if error:  # outside the except block, so the report shows the message once, unchained
            pytest.fail(error, pytrace=False)
        return b

    yield make

    problems = []
    for b in brokers:
        try:
            if b.alive():
                b.stop()
        except AssertionError as e:
            problems.append(str(e))
        finally:
            b.close()
        reports = b.sanitizer_reports()
        if reports:
            problems.append(f"sanitizer reports in {b.stderr_path}:\n" + "\n".join(reports[:20]))
    if problems:
        pytest.fail("broker teardown:\n" + "\n\n".join(problems), pytrace=False)


@pytest.fixture
def broker(broker_factory) -> harness.Broker:
    """A running broker with default settings."""
    return broker_factory()


@pytest.fixture(scope="session")
def java_programs(tmp_path_factory) -> harness.JavaPrograms:
    progs = harness.JavaPrograms(tmp_path_factory.mktemp("java-classes"))
    progs.compile()
    return progs


@pytest.fixture(scope="session")
def rdkafka_roundtrip(tmp_path_factory) -> Path:
    return harness.rdkafka_binary(tmp_path_factory.mktemp("rdkafka"))


@pytest.fixture
def topic_name(request) -> str:
    """A topic name unique to the test (tests never share topics)."""
    base = "".join(c if c.isalnum() else "-" for c in request.node.name)[:100].strip("-")
    return f"it-{base}"
