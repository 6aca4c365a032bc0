# Shared paths for scripts/k8s/*.sh. Source it; it only defines variables and functions.
# shellcheck shell=bash
_k8s_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/k8s/versions.env
source "$_k8s_here/versions.env"

SLUICE_CACHE="${SLUICE_CACHE:-$HOME/.cache/sluice}"
# Everything for one Kubernetes release lives under this key, outside the repository.
K8S_HOME="$SLUICE_CACHE/k8s/$K8S_VERSION"
K8S_BIN="$K8S_HOME/bin"
# kwokctl's state (clusters, PKI, logs, etcd data) is kept beside the binaries.
KWOK_WORKDIR="$SLUICE_CACHE/k8s/kwok"
export SLUICE_CACHE K8S_HOME K8S_BIN KWOK_WORKDIR

K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl)

# The line that the binary's version output must contain.
k8s_expected_version() {
  case "$1" in
    kube-apiserver | kube-controller-manager | kube-scheduler) echo "Kubernetes v$K8S_VERSION" ;;
    kubectl) echo "Client Version: v$K8S_VERSION" ;;
    etcd) echo "etcd Version: $ETCD_VERSION" ;;
    kwok | kwokctl) echo "version v$KWOK_VERSION" ;;
    *) return 1 ;;
  esac
}

# Succeeds when $K8S_BIN/<name> exists and reports the pinned version.
k8s_binary_ok() {
  local name="$1" out
  [[ -x "$K8S_BIN/$name" ]] || return 1
  if [[ "$name" == kubectl ]]; then
    out="$("$K8S_BIN/$name" version --client 2>/dev/null)" || return 1
  else
    out="$("$K8S_BIN/$name" --version 2>/dev/null)" || return 1
  fi
  grep -qF "$(k8s_expected_version "$name")" <<<"$out"
}

# Seconds since the epoch with a fraction, for step timing.
k8s_now() { date +%s.%N; }
k8s_elapsed() { awk -v a="$1" -v b="$(k8s_now)" 'BEGIN { printf "%.1f", b - a }'; }
