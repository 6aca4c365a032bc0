"""Starting and stopping the two brokers under test, each on 127.0.0.1 only.

KafkaBroker runs kafka.Kafka (KRaft, one node as broker and controller) from the jars that
bench/run.sh caches; SluiceBroker runs sluice-broker. Both keep their data under one data root,
so they use the same filesystem. start() returns once the broker serves requests, stop() sends
SIGTERM and waits (SIGKILL after a bound).
"""
from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

# The JVM settings Kafka's own start script uses by default (kafka-server-start.sh sets a 1 GiB
# heap, kafka-run-class.sh the G1 settings). Override with bench/run.sh --kafka-jvm-opts.
KAFKA_DEFAULT_JVM_OPTS = ("-Xmx1G -Xms1G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "
                          "-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent "
                          "-Djava.awt.headless=true")

# log.cleaner.backoff.ms on both brokers (both default to 15 s): how long an idle cleaner
# waits before it looks again. Short, so that W8's time includes little waiting.
CLEANER_BACKOFF_MS = 500

LOG4J2_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by bench/harness/brokers.py: Kafka's server log at INFO, as Kafka ships. -->
<Configuration status="warn">
  <Appenders>
    <File name="server" fileName="{log}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="server"/></Root>
  </Loggers>
</Configuration>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Broker:
    name = "?"

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.proc: subprocess.Popen | None = None
        self.port = free_port()
        self.startup_s = 0.0
        self.log_path = work_dir / f"{self.name}.log"  # stdout and stderr
        self.server_log = self.log_path                  # where the broker logs what it does

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def start(self, timeout_s: float = 120.0) -> None:
        t0 = time.monotonic()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.work_dir, start_new_session=True)
        log.close()
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} during start-up; "
                                   f"see {self.log_path}")
            if port_open(self.port) and self.ready():
                self.startup_s = round(time.monotonic() - t0, 2)
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout_s:.0f} s; see {self.log_path}")

    def stop(self, timeout_s: float = 60.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def describe(self) -> dict:
        return {"command": self.command(), "bootstrap": self.bootstrap, "startup_s": self.startup_s}


class KafkaBroker(Broker):
    name = "kafka"

    def __init__(self, work_dir: Path, data_dir: Path, libs: Path, version: str, jvm_opts: str):
        super().__init__(work_dir)
        self.data_dir, self.libs, self.version = data_dir, libs, version
        self.jvm_opts = jvm_opts.split()
        self.controller_port = free_port()
        self.config_path = work_dir / "kafka-server.properties"
        self.log4j_path = work_dir / "kafka-log4j2.xml"
        self.server_log = work_dir / "kafka-server.log"
        self.config = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(data_dir),
            # A single node: internal topics with one replica. Everything else but the cleaner's
            # backoff and the delete delay (below) is Kafka's default.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # The same on both brokers (W8).
            "log.cleaner.backoff.ms": str(CLEANER_BACKOFF_MS),
            # A deleted topic's files go after 1 s instead of 60 s, so the next workload gets
            # the disk back as it does on Sluice (which deletes at once); the harness waits for it.
            "log.segment.delete.delay.ms": "1000",
        }

    def java(self, main: str, *args: str) -> list[str]:
        return ["java", *self.jvm_opts, f"-Dlog4j2.configurationFile={self.log4j_path}",
                "-cp", f"{self.libs}/*", main, *args]

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text("".join(f"{k}={v}\n" for k, v in self.config.items()))
        self.log4j_path.write_text(LOG4J2_XML.format(log=self.server_log))
        cluster_id = "-"
        while cluster_id.startswith("-"):  # one starting with '-' reads as an option to the tool
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        fmt = ["java", "-Xmx256m", f"-Dlog4j2.configurationFile={self.log4j_path}", "-cp", f"{self.libs}/*",
               "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.config_path), "--standalone"]
        out = subprocess.run(fmt, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"kafka storage format failed: {out.stdout}{out.stderr}")

    def command(self) -> list[str]:
        return self.java("kafka.Kafka", str(self.config_path))

    def ready(self) -> bool:
        try:
            return "Kafka Server started" in self.server_log.read_text(errors="replace")
        except OSError:
            return False

    def describe(self) -> dict:
        return {**super().describe(), "version": self.version, "jvm_opts": " ".join(self.jvm_opts),
                "config": self.config, "java": java_version()}


class SluiceBroker(Broker):
    name = "sluice"

    def __init__(self, work_dir: Path, data_dir: Path, binary: Path, extra_flags: list[str]):
        super().__init__(work_dir)
        self.data_dir, self.binary, self.extra_flags = data_dir, binary, extra_flags
        self.http_port = free_port()

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [str(self.binary), "--data-dir", str(self.data_dir), "--listeners", self.bootstrap,
                "--http-listeners", f"127.0.0.1:{self.http_port}",
                "--log-cleaner-backoff-ms", str(CLEANER_BACKOFF_MS),
                # As on Kafka here: a group's first join does not wait for more members.
                "--group-initial-rebalance-delay-ms", "0", *self.extra_flags]

    def ready(self) -> bool:
        # No proxy, whatever the environment says: this must stay on 127.0.0.1.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"http://127.0.0.1:{self.http_port}/readyz", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False


def java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return out.stderr.strip().splitlines()[1] if out.stderr else ""
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return ""


def stop_all(brokers: list[Broker]) -> None:
    for b in brokers:
        try:
            b.stop()
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
