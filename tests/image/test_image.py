"""The container images: labels, user, contents, and a broker run from the broker image.

The images are built by scripts/image/build.sh (from podman's layer cache when the sources are
unchanged), unless SLUICE_IMAGE_BUILD=0 says they exist already. `podman run` does not work on
every machine (it may be refused setrlimit), so programs run from an image's filesystem with
`buildah from` + `buildah run --isolation=chroot`, in the host's network namespace; the broker
listens on free 127.0.0.1 ports only. The image's directories are bound read-only over
themselves (see read_only_binds), the data directory is a host directory mounted at /var/lib/sluice (as the StatefulSet's
volume is), /tmp a host directory (the StatefulSet's emptyDir), and /etc/sluice a read-only
config directory (the StatefulSet's ConfigMap).
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

REPO = Path(__file__).resolve().parents[2]
UID = 65532
VERSION = re.search(r"project\(sluice VERSION ([0-9.]+)",
                    (REPO / "CMakeLists.txt").read_text()).group(1)
BROKER_IMAGE = f"sluice/sluice-broker:{VERSION}"
OPERATOR_IMAGE = f"sluice/sluice-operator:{VERSION}"


def run(cmd, timeout, check=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def wait_for(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(0.1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def images():
    if os.environ.get("SLUICE_IMAGE_BUILD", "1") != "0":
        run([str(REPO / "scripts/image/build.sh")], timeout=3600)
    return {"broker": BROKER_IMAGE, "operator": OPERATOR_IMAGE}


def image_config(image):
    out = run(["podman", "image", "inspect", image], timeout=60).stdout
    return json.loads(out)[0]["Config"]


@contextlib.contextmanager
def container(image):
    """A buildah working container of `image` and its mounted root; removed on exit."""
    name = run(["buildah", "from", "--pull=never", image], timeout=120).stdout.strip()
    try:
        root = Path(run(["buildah", "mount", name], timeout=60).stdout.strip())
        yield name, root
    finally:
        run(["buildah", "rm", name], timeout=120, check=False)


def read_only_binds(root):
    """-v options binding the image's top-level directories read-only over themselves.

    Creates the mount points `buildah run` and the tests need in the working container first
    (as a kubelet does for a read-only root): they cannot be made once /etc is read-only."""
    for f in ("hosts", "hostname", "resolv.conf"):
        (root / "etc" / f).touch()
    (root / "etc/sluice").mkdir(exist_ok=True)
    binds = []
    for entry in sorted(root.iterdir()):
        # /tmp is a volume of its own; the data volume is mounted over the read-only /var.
        if entry.is_dir() and not entry.is_symlink() and entry.name != "tmp":
            binds += ["-v", f"{entry}:/{entry.name}:ro"]
    return binds


@pytest.mark.parametrize("program", ["broker", "operator"])
def test_image_carries_oci_labels_and_the_project_version(images, program):
    config = image_config(images[program])
    labels = config["Labels"]
    assert labels["org.opencontainers.image.version"] == VERSION
    assert labels["org.opencontainers.image.title"] == f"sluice-{program}"
    assert labels["org.opencontainers.image.revision"]
    assert f"SLUICE_VERSION={VERSION}" in config["Env"]


@pytest.mark.parametrize("program", ["broker", "operator"])
def test_image_runs_its_program_as_uid_65532(images, program):
    config = image_config(images[program])
    assert config["User"] == f"{UID}:{UID}"  # numeric, so runAsNonRoot can check it
    assert config["Entrypoint"] == [f"/usr/local/bin/sluice-{program}"]


def test_broker_image_defaults_to_a_data_dir_on_its_volume(images):
    config = image_config(images["broker"])
    assert "/var/lib/sluice" in config["Volumes"]
    cmd = config["Cmd"]
    assert cmd[cmd.index("--data-dir") + 1] == "/var/lib/sluice/data"


@pytest.mark.parametrize("program", ["broker", "operator"])
def test_image_holds_the_program_and_its_libraries_but_no_shell(images, program):
    with container(images[program]) as (name, root):
        # Looked at before anything runs: `buildah run` adds /etc/hosts and the like.
        executables = sorted(
            str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and p.stat().st_mode & 0o111 and ".so" not in p.name)
        assert executables == [f"usr/local/bin/sluice-{program}"]
        assert not (root / "bin/sh").exists() and not (root / "usr/bin/sh").exists()
        assert run(["buildah", "run", "--isolation=chroot", name, "--", "/bin/sh", "-c", "true"],
                   timeout=60, check=False).returncode != 0
        # Only /tmp (sticky) and the broker's data dir are writable by anyone but root.
        for p in [root, *root.rglob("*")]:
            st = p.lstat()
            if p.is_symlink() or p == root / "tmp" or p == root / "var/lib/sluice":
                continue
            assert st.st_uid == 0 and not st.st_mode & 0o022, p
        # The program starts: its loader finds every library.
        out = run(["buildah", "run", "--isolation=chroot", name, "--",
                   f"/usr/local/bin/sluice-{program}", "--version"], timeout=60).stdout
        assert out == f"sluice-{program} {VERSION}\n"


def test_operator_image_prints_its_usage(images):
    with container(images["operator"]) as (name, root):
        out = run(["buildah", "run", "--isolation=chroot", *read_only_binds(root), name, "--",
                   *image_config(images["operator"])["Entrypoint"], "--help"], timeout=60).stdout
        assert "usage: sluice-operator" in out
        assert (root / "etc/ssl/certs/ca-certificates.crt").stat().st_size > 0


class ImageBroker:
    """sluice-broker started from the image's ENTRYPOINT and CMD, on loopback ports."""

    def __init__(self, image, root, name, data, tmp, conf, logs):
        self.kafka_port, self.http_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kafka_port}"
        config = image_config(image)
        # The image's command, then the loopback listeners (later flags win) and the config
        # file the StatefulSet passes.
        args = config["Entrypoint"] + config["Cmd"] + [
            "--config", "/etc/sluice/server.properties",
            "--listeners", self.bootstrap, "--http-listeners", f"127.0.0.1:{self.http_port}"]
        self.stdout = open(logs / "broker.stdout.log", "w")
        self.stderr = open(logs / "broker.stderr.log", "w")
        self.stderr_path = logs / "broker.stderr.log"
        self.proc = subprocess.Popen(
            ["buildah", "run", "--isolation=chroot", *read_only_binds(root),
             "-v", f"{data}:/var/lib/sluice", "-v", f"{tmp}:/tmp", "-v", f"{conf}:/etc/sluice:ro",
             name, "--", *args],
            stdout=self.stdout, stderr=self.stderr, start_new_session=True)
        self.pid = None

    def wait_ready(self, timeout_s=60):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"buildah run exited {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/readyz",
                                            timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for(ready, timeout_s, f"/readyz of the broker from the image\n{self.log()}")
        self.pid = wait_for(self._find_pid, 10, "the broker's process")

    def _find_pid(self):
        """The broker process: argv[0] is the image's binary and it serves our port."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv[0] == b"/usr/local/bin/sluice-broker" and self.bootstrap.encode() in argv:
                return int(entry.name)
        return None

    def ids(self):
        """(real uid, real gid) of the broker process."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        gid = int(re.search(r"^Gid:\s+(\d+)", status, re.M).group(1))
        return uid, gid

    def mount_options(self):
        """{mount point as the broker sees it: its options} from /proc/<pid>/mountinfo."""
        out = {}
        for line in Path(f"/proc/{self.pid}/mountinfo").read_text().splitlines():
            fields = line.split()
            out[fields[4]] = set(fields[5].split(","))
        return out

    def stop(self, timeout_s=60):
        """SIGTERM to the broker; returns the exit code `buildah run` passes on."""
        os.kill(self.pid, signal.SIGTERM)
        return self.proc.wait(timeout=timeout_s)

    def kill(self):
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                # Killing `buildah run` alone leaves the broker running: kill it by its pid.
                pid = self.pid or self._find_pid()
                if pid:
                    os.kill(pid, signal.SIGKILL)
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.stdout.close()
        self.stderr.close()

    def log(self):
        self.stderr.flush()
        return self.stderr_path.read_text()[-4000:]


@contextlib.contextmanager
def broker_from_image(image, data, tmp, conf, logs):
    with container(image) as (name, root):
        # `buildah run` also mounts a throwaway directory at each VOLUME of the image, and which
        # of that and our -v wins at /var/lib/sluice varies from run to run; the working
        # container forgets the VOLUME (the image keeps it, see the test above).
        run(["buildah", "config", "--volume", "/var/lib/sluice-", name], timeout=60)
        broker = ImageBroker(image, root, name, data, tmp, conf, logs)
        try:
            broker.wait_ready()
            yield broker
        finally:
            broker.kill()


def consume_all(bootstrap, topic, partitions, expected, timeout_s=60):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        got = []

        def poll():
            for records in consumer.poll(timeout_ms=500).values():
                got.extend(records)
            return len(got) >= expected
        wait_for(poll, timeout_s, f"{expected} records from {topic}")
        return got
    finally:
        consumer.close()


def test_broker_from_image_keeps_records_on_its_volume_across_a_restart(images, tmp_path):
    data, tmp, conf, logs = (tmp_path / d for d in ("data", "tmp", "conf", "logs"))
    for d in (data, tmp, conf, logs):
        d.mkdir()
    os.chown(data, UID, UID)  # what the StatefulSet's fsGroup does for the volume
    tmp.chmod(0o1777)
    (conf / "server.properties").write_text("num.partitions=3\n")
    topic, count = "image-smoke", 1000
    values = [b"record %04d from the image" % i for i in range(count)]

    with broker_from_image(images["broker"], data, tmp, conf, logs) as broker:
        assert broker.ids() == (UID, UID)
        mounts = broker.mount_options()
        for path in ("/etc", "/lib", "/lib64", "/usr", "/var", "/etc/sluice"):
            assert "ro" in mounts[path], (path, mounts)
        for path in ("/var/lib/sluice", "/tmp"):
            assert "rw" in mounts[path], (path, mounts)
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=5)
        try:
            futures = [producer.send(topic, key=b"%d" % i, value=v) for i, v in enumerate(values)]
            producer.flush(timeout=60)
            [f.get(timeout=30) for f in futures]
        finally:
            producer.close(timeout=30)
        got = consume_all(broker.bootstrap, topic, 3, count)
        assert sorted(r.value for r in got) == values
        assert {r.partition for r in got} == {0, 1, 2}  # num.partitions from the mounted config
        assert broker.stop() == 0, broker.log()

    # The records are in the host directory, written by the non-root user.
    partition_dirs = [p for p in (data / "data").iterdir() if p.name.startswith(topic + "-")]
    assert len(partition_dirs) == 3
    assert all(p.stat().st_uid == UID for p in partition_dirs)

    # A fresh container over the same volume serves them again.
    with broker_from_image(images["broker"], data, tmp, conf, logs) as broker:
        got = consume_all(broker.bootstrap, topic, 3, count)
        assert sorted(r.value for r in got) == values
        assert broker.stop() == 0, broker.log()
