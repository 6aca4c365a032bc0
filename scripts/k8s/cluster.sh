#!/usr/bin/env bash
# A real Kubernetes control plane for tests: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok (fake kubelets) run as local processes by `kwokctl --runtime binary`,
# from the binaries that scripts/k8s/build.sh cached. Every component listens on 127.0.0.1.
#
# Usage: scripts/k8s/cluster.sh up|down|kubeconfig|status|recycle-pvs [name]
#   up           start the cluster (building binaries first if needed), wait until the API
#                server is ready, create fake nodes and static PersistentVolumes
#   down         stop and delete the cluster and its state
#   kubeconfig   print the path of the cluster's kubeconfig
#   status       show components, nodes and volumes
#   recycle-pvs  make Released static volumes Available again (clears their claimRef)
# name defaults to sluice-test. Settings (environment):
#   SLUICE_K8S_NODES (3)   fake nodes, labelled topology.kubernetes.io/zone=zone-a|zone-b|zone-c
#   SLUICE_K8S_PVS (10)    static 1Gi hostPath volumes with storageClassName sluice-static
#   SLUICE_K8S_TIMEOUT (180)  seconds allowed for the cluster to become ready
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/k8s/common.sh
source "$here/common.sh"

cmd="${1:-}"
name="${2:-sluice-test}"
nodes="${SLUICE_K8S_NODES:-3}"
pvs="${SLUICE_K8S_PVS:-10}"
timeout_s="${SLUICE_K8S_TIMEOUT:-180}"
storage_class=sluice-static
zones=(zone-a zone-b zone-c)

log() { echo "k8s-cluster: $*"; }
die() { echo "k8s-cluster: error: $*" >&2; exit 1; }

[[ "$name" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || die "bad cluster name '$name'"

cluster_dir="$KWOK_WORKDIR/clusters/$name"
kubeconfig="$cluster_dir/kubeconfig.yaml"
kwokctl() { "$K8S_BIN/kwokctl" "$@"; }
kc() { "$K8S_BIN/kubectl" --kubeconfig "$kubeconfig" --request-timeout=30s "$@"; }

# N distinct TCP ports that are free on 127.0.0.1 now (the kernel picks them; only loopback
# is probed; all are held open until every one is chosen, so none repeats).
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
' "$1"
}

# Runs "$@" until it succeeds or $1 seconds pass.
wait_for() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "timed out after ${limit}s waiting for $what"; return 1; }
    sleep 1
  done
}

api_ready() { [[ "$(kc get --raw=/readyz 2>/dev/null)" == ok ]]; }

nodes_ready() {
  local ready
  ready="$(kc get nodes -l sluice.dev/test-node=true \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
    grep -c '^True$' || true)"
  ((ready >= nodes))
}

default_sa() { kc -n default get serviceaccount default; }

node_manifest() {
  local i n zone
  for ((i = 0; i < nodes; i++)); do
    n="sluice-node-$i"
    zone="${zones[$((i % ${#zones[@]}))]}"
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    sluice.dev/test-node: "true"
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: $zone
status:
  allocatable: {cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi}
  capacity: {cpu: "16", memory: 64Gi, pods: "110", ephemeral-storage: 100Gi}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake, kubeProxyVersion: fake}
EOF
  done
}

storage_manifest() {
  local i
  cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $storage_class
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
EOF
  for ((i = 0; i < pvs; i++)); do
    # hostPath is never mounted: kwok fakes the kubelet, so nothing touches this path.
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: sluice-pv-$i
  labels: {sluice.dev/static-pv: "true"}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: $storage_class
  hostPath: {path: /tmp/sluice-static-pv/$i, type: DirectoryOrCreate}
EOF
  done
}

cluster_exists() { [[ -f "$cluster_dir/kwok.yaml" ]]; }

# PIDs of this cluster's components that are still running (their command line names the
# cluster's directory, so a reused PID is never taken for one of ours).
component_pids() {
  local f pid
  for f in "$cluster_dir"/pids/*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(<"$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$cluster_dir/" && echo "$pid"
  done
  return 0
}

delete_cluster() {
  [[ -d "$cluster_dir" ]] || return 0
  local pids pid deadline
  pids="$(component_pids)"
  # --kubeconfig names the cluster's own file: kwokctl must not edit ~/.kube/config.
  local out
  if ! out="$(timeout 120 "$K8S_BIN/kwokctl" delete cluster --name "$name" \
    --kubeconfig "$kubeconfig" 2>&1)"; then
    log "kwokctl delete cluster failed; cleaning up. Its output:"
    tail -n 5 <<<"$out" >&2
  fi
  deadline=$((SECONDS + 20))
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "component $pid still running; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$cluster_dir"
}

up() {
  "$here/build.sh"
  local t0 t
  t0="$(k8s_now)"
  if cluster_exists; then
    if api_ready; then
      log "cluster $name is already running; re-applying nodes and volumes"
    else
      log "cluster $name exists but is not ready; recreating it"
      delete_cluster
    fi
  fi
  if ! cluster_exists; then
    mkdir -p "$KWOK_WORKDIR"
    # Loopback only: kwokctl defaults to 0.0.0.0. Ports are chosen here on 127.0.0.1 so that
    # kwokctl never probes other interfaces.
    local conf="$KWOK_WORKDIR/$name.kwokctl.yaml" ports
    read -r -a ports <<<"$(free_ports 6)"
    cat >"$conf" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  etcdPeerPort: ${ports[0]}
  kubectlBinary: $K8S_BIN/kubectl
EOF
    t="$(k8s_now)"
    if ! timeout "$((timeout_s + 30))" "$K8S_BIN/kwokctl" --config "$conf" create cluster \
      --name "$name" --runtime binary --kubeconfig "" \
      --secure-port=true --kube-authorization=true --kube-admission=true \
      --kube-apiserver-binary "$K8S_BIN/kube-apiserver" \
      --kube-controller-manager-binary "$K8S_BIN/kube-controller-manager" \
      --kube-scheduler-binary "$K8S_BIN/kube-scheduler" \
      --etcd-binary "$K8S_BIN/etcd" \
      --kwok-controller-binary "$K8S_BIN/kwok" \
      --kube-apiserver-port "${ports[1]}" --etcd-port "${ports[2]}" \
      --kube-controller-manager-port "${ports[3]}" --kube-scheduler-port "${ports[4]}" \
      --controller-port "${ports[5]}" \
      --wait "${timeout_s}s" --timeout "${timeout_s}s" >"$KWOK_WORKDIR/$name.create.log" 2>&1; then
      tail -n 20 "$KWOK_WORKDIR/$name.create.log" >&2
      log "kwokctl create cluster failed; component logs are in $cluster_dir/logs"
      exit 1
    fi
    log "kwokctl create cluster: $(k8s_elapsed "$t") s"
  fi
  [[ -f "$kubeconfig" ]] || die "no kubeconfig at $kubeconfig"
  t="$(k8s_now)"
  wait_for "$timeout_s" "the API server /readyz" api_ready
  log "API server ready: $(k8s_elapsed "$t") s"

  t="$(k8s_now)"
  node_manifest | kc apply -f - >/dev/null
  storage_manifest | kc apply -f - >/dev/null
  wait_for 120 "$nodes Ready nodes" nodes_ready
  wait_for 120 "the default ServiceAccount" default_sa
  log "nodes and volumes: $(k8s_elapsed "$t") s"
  log "cluster $name up in $(k8s_elapsed "$t0") s: $nodes nodes, $pvs PersistentVolumes ($storage_class)"
  log "kubeconfig: $kubeconfig"
}

status() {
  cluster_exists || { log "cluster $name does not exist"; return 1; }
  kwokctl get components --name "$name" 2>/dev/null || true
  if api_ready; then
    kc get nodes -L topology.kubernetes.io/zone
    kc get pv -l sluice.dev/static-pv=true
  else
    log "API server of $name is not ready"
    return 1
  fi
}

recycle_pvs() {
  local pv
  for pv in $(kc get pv -l sluice.dev/static-pv=true \
    -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
    kc patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
    log "recycled $pv"
  done
}

case "$cmd" in
  up) up ;;
  down)
    delete_cluster
    rm -f "$KWOK_WORKDIR/$name.kwokctl.yaml" "$KWOK_WORKDIR/$name.create.log"
    log "cluster $name removed"
    ;;
  kubeconfig)
    cluster_exists || die "cluster $name does not exist (run: $0 up $name)"
    echo "$kubeconfig"
    ;;
  status) status ;;
  recycle-pvs) recycle_pvs ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
