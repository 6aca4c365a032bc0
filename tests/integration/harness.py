"""Process and client helpers for Sluice's integration tests.

Everything here talks only to 127.0.0.1. Every wait is bounded and every child process has a
timeout, so a hung broker makes a test fail with a message instead of hanging the run.

Layout of the pieces a test uses:
  Broker            one sluice-broker process with its own ports, data dir and log files
  run()             subprocess with a timeout; raises with the tail of stderr on failure
  kcat_*()          produce/consume with kcat; consume output is parsed byte-exact
  kafka_tool()      scripts/kafka-tool (Kafka's Java CLI tools)
  JavaPrograms      the programs in java/, compiled once per session with javac
  rdkafka_binary()  the C client in clients/, from the CMake build or compiled on the fly
  create_topic()    CreateTopics through kafka-python's admin client
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterable, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# Same defaults as scripts/env.sh, so the tests also work without sourcing it.
KAFKA_VERSION = os.environ.get("SLUICE_KAFKA_VERSION", "4.1.1")
CACHE = Path(os.environ.get("SLUICE_CACHE", Path.home() / ".cache" / "sluice"))
KAFKA_LIBS = Path(os.environ.get("SLUICE_KAFKA_LIBS", CACHE / f"kafka-{KAFKA_VERSION}" / "libs"))
BUILD_DIR = Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))
KAFKA_TOOL = REPO / "scripts" / "kafka-tool"

LOCALHOST = "127.0.0.1"


class HarnessError(AssertionError):
    """A helper could not do its job; the message says what and shows the evidence."""


def tail(path: Path, lines: int = 40) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "(no output file)"
    text = data.decode("utf-8", "replace").splitlines()
    return "\n".join(text[-lines:]) if text else "(empty)"


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Polls predicate until true; raises HarnessError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() >= deadline:
            raise HarnessError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def run(cmd: Sequence[str], timeout: float, input: bytes | None = None, check: bool = True,
        env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs cmd to completion with a timeout. With check, a non-zero exit raises with stderr."""
    try:
        proc = subprocess.run(list(map(str, cmd)), input=input, capture_output=True,
                              timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        err = (e.stderr or b"").decode("utf-8", "replace")[-3000:]
        raise HarnessError(f"command timed out after {timeout}s: {shlex.join(map(str, cmd))}\n"
                           f"stderr tail:\n{err}") from None
    if check and proc.returncode != 0:
        raise HarnessError(f"command failed (exit {proc.returncode}): {shlex.join(map(str, cmd))}\n"
                           f"stdout tail:\n{proc.stdout.decode('utf-8', 'replace')[-2000:]}\n"
                           f"stderr tail:\n{proc.stderr.decode('utf-8', 'replace')[-3000:]}")
    return proc


# --------------------------------------------------------------------------------------------
# The broker process


class BrokerStartError(HarnessError):
    pass


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """Returns (status, body); connection errors come back as status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


class Broker:
    """One sluice-broker on free loopback ports.

    The data dir and log files persist across restart()/kill9(); ports stay the same, so clients
    can reconnect. stdout and stderr of every run are appended to <workdir>/broker.stdout.log and
    broker.stderr.log, each run headed by a marker line.
    """

    def __init__(self, binary: Path, workdir: Path, extra_args: Sequence[str] = (),
                 prefix: Sequence[str] = (), start_timeout: float = 30.0, stop_timeout: float = 30.0):
        self.binary = Path(binary)
        self.workdir = Path(workdir)
        self.data_dir = self.workdir / "data"
        self.stdout_path = self.workdir / "broker.stdout.log"
        self.stderr_path = self.workdir / "broker.stderr.log"
        self.extra_args = list(extra_args)
        self.prefix = list(prefix)
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.port = free_port()
        self.http_port = free_port()
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    @property
    def bootstrap(self) -> str:
        return f"{LOCALHOST}:{self.port}"

    @property
    def http(self) -> str:
        return f"http://{LOCALHOST}:{self.http_port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "broker is not running"
        return self.proc.pid

    def command(self) -> list[str]:
        return [*self.prefix, str(self.binary),
                "--data-dir", str(self.data_dir),
                "--listeners", self.bootstrap,
                "--http-listeners", f"{LOCALHOST}:{self.http_port}",
                "--node-id", "0",
                "--log-level", os.environ.get("SLUICE_BROKER_LOG_LEVEL", "info"),
                *self.extra_args]

    def start(self) -> None:
        """Starts the process and waits for /readyz; raises BrokerStartError with stderr."""
        assert self.proc is None or self.proc.poll() is not None, "broker already running"
        if not (self.binary.is_file() and os.access(self.binary, os.X_OK)):
            raise BrokerStartError(
                f"sluice-broker binary not found or not executable: {self.binary}\n"
                f"Build it (cmake -S {REPO} -B {REPO}/build -G Ninja && ninja -C {REPO}/build "
                f"sluice-broker) or set SLUICE_BROKER_BIN.")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        cmd = self.command()
        marker = f"\n==== start #{self.starts}: {shlex.join(cmd)}\n".encode()
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            out.write(marker)
            err.write(marker)
            out.flush()
            err.flush()
            # A new session makes the broker (and anything under a prefix) one process group,
            # which kill9() and rss_bytes() address as a whole.
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            rc = self.proc.poll()
            if rc is not None:
                raise BrokerStartError(f"sluice-broker exited with {rc} during start-up "
                                       f"(start #{self.starts}).\n{self.describe()}")
            status, _ = http_get(self.http + "/readyz", timeout=1.0)
            if status == 200:
                return
            if time.monotonic() >= deadline:
                self._kill_group()
                raise BrokerStartError(f"sluice-broker not ready after {self.start_timeout:.0f}s "
                                       f"(GET /readyz last gave {status}).\n{self.describe()}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, expect_rc: int | None = 0) -> int:
        """SIGTERM and wait; asserts the exit code (0 by default). Returns it."""
        assert self.proc is not None, "broker was never started"
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._kill_group()
                raise HarnessError(f"sluice-broker did not exit within {self.stop_timeout:.0f}s "
                                   f"of SIGTERM.\n{self.describe()}") from None
        rc = self.proc.returncode
        if expect_rc is not None and rc != expect_rc:
            raise HarnessError(f"sluice-broker exited with {rc} after SIGTERM, expected "
                               f"{expect_rc}.\n{self.describe()}")
        return rc

    def kill9(self, restart: bool = True) -> None:
        """SIGKILL the broker's process group, then (by default) start it again."""
        assert self.alive(), f"broker is not running.\n{self.describe()}"
        self._kill_group()
        if restart:
            self.start()

    def restart(self) -> None:
        """Clean stop (asserting exit 0) if running, then start on the same ports and data."""
        if self.alive():
            self.stop()
        self.start()

    def _kill_group(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"broker pid {self.proc.pid} survived SIGKILL") from None

    def close(self) -> None:
        """Last-resort cleanup: kills whatever is left, asserts nothing."""
        if self.alive():
            self._kill_group()

    def rss_bytes(self) -> int:
        """Resident memory of the broker's process group (the broker plus any prefix)."""
        assert self.alive()
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                if int(fields[2]) != self.proc.pid:  # field 5 of stat: process group id
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except (OSError, ValueError):
                continue
        return total

    def http_get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.http + path)

    def sanitizer_reports(self) -> list[str]:
        text = self.stderr_path.read_text("utf-8", "replace") if self.stderr_path.exists() else ""
        needles = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer")
        return [line for line in text.splitlines() if any(n in line for n in needles)]

    def describe(self) -> str:
        return (f"command: {shlex.join(self.command())}\n"
                f"--- broker stderr tail ({self.stderr_path}) ---\n{tail(self.stderr_path)}\n"
                f"--- broker stdout tail ({self.stdout_path}) ---\n{tail(self.stdout_path, 15)}")

    def partition_dir(self, topic: str, partition: int) -> Path:
        return self.data_dir / f"{topic}-{partition}"


# --------------------------------------------------------------------------------------------
# Records and kcat


CODEC_IDS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def log_bytes(partition_dir: Path) -> int:
    """Bytes in a partition's .log files; one that retention or the cleaner deletes while this
    runs counts 0."""
    total = 0
    for log in partition_dir.glob("*.log"):
        try:
            total += log.stat().st_size
        except FileNotFoundError:
            pass
    return total


def stored_batch_codecs(partition_dir: Path) -> list[int]:
    """The compression codec (attribute bits 0-2) of every batch in a partition's segments,
    read straight from the .log files: proves what the broker stored, not what a client saw."""
    codecs = []
    for log in sorted(partition_dir.glob("*.log")):
        data = log.read_bytes()
        pos = 0
        while pos + 61 <= len(data):
            length = int.from_bytes(data[pos + 8:pos + 12], "big", signed=True)
            attributes = int.from_bytes(data[pos + 21:pos + 23], "big")
            codecs.append(attributes & 0x07)
            pos += 12 + length
    return codecs


@dataclasses.dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


def kcat(bootstrap: str, *args: str, input: bytes | None = None, timeout: float = 60,
         check: bool = True) -> subprocess.CompletedProcess:
    return run(["kcat", "-b", bootstrap, "-m", "15", *args], timeout=timeout, input=input, check=check)


# Input delimiters for kcat -P. Keys and values must not contain them (see kcat_safe()).
KCAT_MSG_DELIM = b"\x1c\x1d\x1e"
KCAT_KEY_DELIM = b"\x1e\x1f"


def kcat_safe(data: bytes) -> bool:
    # Neither delimiter overlaps itself, so containment is the only way to split wrongly.
    return KCAT_MSG_DELIM not in data and KCAT_KEY_DELIM not in data


def kcat_produce(bootstrap: str, topic: str, workdir: Path, records: Iterable[tuple[bytes, bytes]],
                 headers: Sequence[tuple[str, str]] = (), partition: int | None = None,
                 extra: Sequence[str] = (), timeout: float = 120) -> subprocess.CompletedProcess:
    """Produces (key, value) pairs through kcat -P -l FILE with binary-safe delimiters.

    Keys must be non-empty; every pair must pass kcat_safe(). The same headers go on every
    record (kcat -H). Delivery failures make kcat exit non-zero, which raises here.
    """
    buf = bytearray()
    for key, value in records:
        assert key and kcat_safe(key) and kcat_safe(value), "record contains a kcat delimiter"
        buf += key + KCAT_KEY_DELIM + value + KCAT_MSG_DELIM
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"kcat-in-{topic}-{time.monotonic_ns()}.bin"
    path.write_bytes(bytes(buf))
    args = ["-P", "-t", topic, "-D", r"\x1c\x1d\x1e", "-K", r"\x1e\x1f", "-l", str(path)]
    if partition is not None:
        args += ["-p", str(partition)]
    for name, value in headers:
        args += ["-H", f"{name}={value}"]
    return kcat(bootstrap, *args, *extra, timeout=timeout)


# %K/%S give lengths, so keys and values are read by length and may hold any byte.
KCAT_FORMAT = r"P%p O%o K%K:%k V%S:%s H%h\n"


def parse_kcat_output(out: bytes) -> list[Record]:
    """Parses output of kcat -C -f KCAT_FORMAT. Header values must not hold ',' or newline."""
    records = []
    i = 0

    def read_int(stop: bytes) -> int:
        nonlocal i
        j = out.index(stop, i)
        v = int(out[i:j])
        i = j + len(stop)
        return v

    def expect(token: bytes) -> None:
        nonlocal i
        if out[i:i + len(token)] != token:
            raise HarnessError(f"unexpected kcat output at byte {i}: {out[i:i + 60]!r}")
        i += len(token)

    while i < len(out):
        expect(b"P")
        partition = read_int(b" ")
        expect(b"O")
        offset = read_int(b" ")
        expect(b"K")
        klen = read_int(b":")
        key = None if klen < 0 else out[i:i + klen]
        i += max(klen, 0)
        expect(b" V")
        vlen = read_int(b":")
        value = None if vlen < 0 else out[i:i + vlen]
        i += max(vlen, 0)
        expect(b" H")
        j = out.index(b"\n", i)
        hdr_text = out[i:j]
        i = j + 1
        headers = []
        if hdr_text:
            for item in hdr_text.split(b","):
                name, _, hval = item.partition(b"=")
                headers.append((name.decode(), hval))
        records.append(Record(partition, offset, key, value, tuple(headers)))
    return records


def kcat_consume(bootstrap: str, topic: str, partition: int = 0, extra: Sequence[str] = (),
                 timeout: float = 120) -> list[Record]:
    """Reads one partition from the beginning to its end (kcat -C -o beginning -e)."""
    proc = kcat(bootstrap, "-C", "-t", topic, "-p", str(partition), "-o", "beginning", "-e",
                "-X", "check.crcs=true", "-f", KCAT_FORMAT, *extra, timeout=timeout)
    return parse_kcat_output(proc.stdout)


# --------------------------------------------------------------------------------------------
# Java: Kafka's CLI tools and our programs


def kafka_tool(tool: str, *args: str, input: bytes | None = None, timeout: float = 120,
               check: bool = True) -> subprocess.CompletedProcess:
    return run([str(KAFKA_TOOL), tool, *args], timeout=timeout, input=input, check=check)


JAVA_OPTS = ["-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dlog4j2.level=warn"]


class JavaPrograms:
    """The .java files in tests/integration/java, compiled against the cached Kafka jars."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)

    def compile(self) -> None:
        if not list(KAFKA_LIBS.glob("kafka-clients-*.jar")):
            raise HarnessError(f"no kafka-clients jar in {KAFKA_LIBS}; run scripts/setup.sh")
        sources = sorted(str(p) for p in (HERE / "java").glob("*.java"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        run(["javac", "-Xlint:all", "-Werror", "-cp", f"{KAFKA_LIBS}/*", "-d", str(self.out_dir),
             *sources], timeout=300)

    def command(self, main: str, *args: str) -> list[str]:
        return ["java", *JAVA_OPTS, "-cp", f"{self.out_dir}:{KAFKA_LIBS}/*", main, *map(str, args)]

    def run(self, main: str, *args: str, timeout: float = 180, check: bool = False):
        return run(self.command(main, *args), timeout=timeout, check=check)


# --------------------------------------------------------------------------------------------
# The librdkafka C client


def rdkafka_binary(scratch: Path) -> Path:
    """The rdkafka_roundtrip program: $SLUICE_RDKAFKA_ROUNDTRIP, else the CMake build's, else
    compiled here with cc and pkg-config (so the suite runs without a CMake build)."""
    explicit = os.environ.get("SLUICE_RDKAFKA_ROUNDTRIP")
    if explicit:
        return Path(explicit)
    built = BUILD_DIR / "tests" / "integration" / "rdkafka_roundtrip"
    if built.is_file():
        return built
    src = HERE / "clients" / "rdkafka_roundtrip.c"
    out = scratch / "rdkafka_roundtrip"
    flags = run(["pkg-config", "--cflags", "--libs", "rdkafka"], timeout=30).stdout.decode().split()
    run([os.environ.get("CC", "cc"), "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-o", str(out),
         str(src), *flags], timeout=120)
    return out


# --------------------------------------------------------------------------------------------
# Topics


def create_topic(bootstrap: str, name: str, partitions: int, timeout: float = 30,
                 configs: dict[str, str] | None = None) -> None:
    """CreateTopics through kafka-python's admin client; waits until Metadata shows the leaders.

    `configs` are topic configs; unlike Kafka 4's TopicCommand, kafka-python does not check
    them client-side, so values below Kafka's minimums (segment.bytes < 1 MiB) reach the broker.
    """
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="sluice-it-admin",
                             request_timeout_ms=int(timeout * 1000))
    try:
        resp = admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs or {})],
                                   timeout_ms=int(timeout * 1000))
        errors = [e for e in getattr(resp, "topic_errors", []) if e[1] != 0]
        if errors:
            raise HarnessError(f"CreateTopics {name}: {errors}")
    finally:
        admin.close()
    wait_for(lambda: _partition_count(bootstrap, name) == partitions, timeout,
             f"topic {name} to show {partitions} partitions with leaders in Metadata", 0.2)


def _partition_count(bootstrap: str, topic: str) -> int:
    import json

    proc = kcat(bootstrap, "-L", "-J", "-t", topic, timeout=30, check=False)
    if proc.returncode != 0:
        return -1
    meta = json.loads(proc.stdout)
    for t in meta.get("topics", []):
        if t.get("topic") == topic and not t.get("error"):
            return sum(1 for p in t.get("partitions", []) if p.get("leader", -1) >= 0)
    return -1

