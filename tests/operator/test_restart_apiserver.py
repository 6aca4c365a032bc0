"""The API server restarting under a running operator: watches fail, the operator backs off,
reconnects, gets a real 410 Gone (its resourceVersion is older than the new server's watch
cache), relists, and keeps reconciling without missing the change made meanwhile or exiting. Runs last (file order): it restarts the session's
kube-apiserver in place, with the same command line, environment and working directory, and
records the new pid where scripts/k8s/cluster.sh down finds it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

from k8s_harness import Cluster, wait_until
from operator_harness import make_cluster, wait_ready


def alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def restart_apiserver(k8s: Cluster, down_seconds: float) -> None:
    pid_file = k8s.workdir / "pids" / "kube-apiserver.pid"
    pid = int(pid_file.read_text().strip())
    args = open(f"/proc/{pid}/cmdline", "rb").read()
    argv = [a.decode() for a in args.split(b"\0") if a]
    env = dict(line.split(b"=", 1) for line in open(f"/proc/{pid}/environ", "rb").read()
               .split(b"\0") if b"=" in line)
    env = {k.decode(): v.decode() for k, v in env.items()}
    cwd = os.readlink(f"/proc/{pid}/cwd")
    assert str(k8s.workdir) in " ".join(argv), argv  # it is this cluster's server
    # SIGKILL, a crash: a graceful stop waits up to 60 s for open watches, long enough for the
    # controller-manager and scheduler to lose their leader leases and exit.
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not alive(pid), 30, "kube-apiserver to exit", interval=0.1)
    time.sleep(down_seconds)
    log = open(k8s.workdir / "logs" / "kube-apiserver.log", "ab")
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    pid_file.write_text(f"{proc.pid}\n")
    # We are its parent now: reap it when cluster.sh down stops it, or it lingers as a zombie
    # that `kill -0` still finds.
    threading.Thread(target=proc.wait, daemon=True).start()
    wait_until(lambda: k8s.kubectl("get", "--raw=/readyz", check=False, timeout=10)
               .returncode == 0, 120, "the restarted kube-apiserver to be ready")


def test_operator_survives_an_apiserver_restart(k8s, namespace, operator_factory):
    op = operator_factory("--namespace", namespace, "--leader-election", "off")
    make_cluster(k8s, namespace, "phoenix", brokers=1)
    wait_ready(k8s, namespace, "phoenix", 1)
    restart_apiserver(k8s, down_seconds=2)
    assert op.running(), op.log()
    k8s.kubectl("-n", namespace, "scale", "sluicecluster/phoenix", "--replicas=2")
    wait_until(lambda: k8s.get_json("-n", namespace, "statefulset/phoenix")["spec"]["replicas"]
               == 2, 60, "the operator to scale the StatefulSet after the restart")
    pids = k8s.component_pids()
    assert all(alive(pids[c]) for c in ("kube-controller-manager", "kube-scheduler")), \
        "the control plane did not survive the restart (harness problem, not the operator)"
    wait_ready(k8s, namespace, "phoenix", 2, timeout=90)
    assert op.running()
    assert "watch failed" in op.log() or "list failed" in op.log(), op.log()[-3000:]
    # The new server's watch cache starts at the current revision, so resuming the watches
    # from the operator's older resourceVersion gets 410 Gone: the informers relisted, and
    # the scale made before they were back was not missed.
    assert op.metric_sum("sluice_operator_informer_relists_total") >= 1, op.log()[-3000:]
    assert "too old resource version" in op.log()
    assert op.stop() == 0
