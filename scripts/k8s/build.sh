#!/usr/bin/env bash
# Builds the test control plane for the pinned Kubernetes release (scripts/k8s/versions.env):
#   kube-apiserver kube-controller-manager kube-scheduler kubectl   from k8s.io/kubernetes
#   etcd                                                             the version Kubernetes pins
#   kwok kwokctl                                                     from sigs.k8s.io/kwok
# into ${SLUICE_CACHE:-$HOME/.cache/sluice}/k8s/<k8s-version>/bin, outside the repository.
#
# Idempotent: a binary that exists and reports the pinned version is kept; only missing or
# wrong ones are rebuilt. The wrapper Go modules are generated under the cache key (never in
# the repository). Go's module and build caches stay in their default locations.
# Usage: scripts/k8s/build.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/k8s/common.sh
source "$here/common.sh"

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

log() { echo "k8s-build: $*"; }
die() { echo "k8s-build: error: $*" >&2; exit 1; }

mkdir -p "$K8S_BIN"
# One build per cache key at a time (parallel test sessions share the cache).
exec 9>"$K8S_HOME/.build.lock"
flock -w 3600 9 || die "timed out waiting for another build.sh holding $K8S_HOME/.build.lock"

missing=()
for b in "${K8S_BINARIES[@]}"; do
  if ((force)) || ! k8s_binary_ok "$b"; then missing+=("$b"); fi
done
if ((${#missing[@]} == 0)); then
  log "up to date: Kubernetes v$K8S_VERSION, etcd $ETCD_VERSION, kwok v$KWOK_VERSION in $K8S_BIN"
  exit 0
fi
log "to build: ${missing[*]} (Kubernetes v$K8S_VERSION, etcd $ETCD_VERSION, kwok v$KWOK_VERSION)"
command -v go >/dev/null || die "go is not installed (Go >= 1.26 is needed to build)"
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
[[ -n "$go_minor" && "$go_minor" -ge 26 ]] || die "Go >= 1.26 is needed, found $(go env GOVERSION)"
want() { local x; for x in "${missing[@]}"; do [[ "$x" == "$1" ]] && return 0; done; return 1; }

export CGO_ENABLED=0
t_all="$(k8s_now)"
work="$K8S_HOME/work"
stage="$K8S_HOME/stage"
rm -rf "$stage"
mkdir -p "$work" "$stage"

# Moves freshly built binaries from the staging directory into bin/ and checks their versions,
# so an interrupted build never leaves a half-written binary in bin/.
install_staged() {
  local b
  for b in "$@"; do
    mv -f "$stage/$b" "$K8S_BIN/$b"
    k8s_binary_ok "$b" || die "$b was built but does not report '$(k8s_expected_version "$b")'"
  done
}

# --- Kubernetes components -------------------------------------------------------------------
k8s_cmds=()
for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  want "$b" && k8s_cmds+=("$b")
done
if ((${#k8s_cmds[@]})); then
  mod="$work/kubernetes"
  t="$(k8s_now)"
  rm -rf "$mod"
  mkdir -p "$mod"
  (
    cd "$mod"
    go mod init sluice.invalid/k8s-control-plane >/dev/null 2>&1
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them to ./staging with
    # replace lines, which do not apply to a dependency. Map each one to its published v0.X.Y tag,
    # reading the list from this release's own go.mod.
    kmod="$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
    [[ -f "$kmod" ]] || die "could not download the go.mod of k8s.io/kubernetes@v$K8S_VERSION"
    staging="$(grep -oE '^[[:space:]]*k8s\.io/[A-Za-z0-9._-]+ => \./staging/' "$kmod" | awk '{print $1}')"
    [[ -n "$staging" ]] || die "no staging replace lines found in $kmod"
    for m in $staging; do
      go mod edit -replace="$m=$m@v0.${K8S_VERSION#*.}"
    done
    pinned_etcd="$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' "$kmod")"
    [[ "$pinned_etcd" == "v$ETCD_VERSION" ]] ||
      die "Kubernetes v$K8S_VERSION pins etcd ${pinned_etcd:-?}, versions.env says $ETCD_VERSION"
    pkgs=()
    for c in "${k8s_cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c@v$K8S_VERSION"); done
    go get -tool "${pkgs[@]}" >go-get.log 2>&1 || { tail -n 30 go-get.log >&2; die "go get failed (log: $mod/go-get.log)"; }
    echo "$staging" | wc -w >staging-count
  )
  log "step kubernetes-modules: $(k8s_elapsed "$t") s ($(cat "$mod/staging-count") staging modules replaced with v0.${K8S_VERSION#*.})"

  t="$(k8s_now)"
  minor="${K8S_VERSION#*.}"
  minor="${minor%%.*}"
  ver=(
    -X "k8s.io/component-base/version.gitVersion=v$K8S_VERSION"
    -X "k8s.io/component-base/version.gitMajor=${K8S_VERSION%%.*}"
    -X "k8s.io/component-base/version.gitMinor=$minor"
    -X "k8s.io/component-base/version.gitTreeState=clean"
    -X "k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
    -X "k8s.io/client-go/pkg/version.gitMajor=${K8S_VERSION%%.*}"
    -X "k8s.io/client-go/pkg/version.gitMinor=$minor"
    -X "k8s.io/client-go/pkg/version.gitTreeState=clean"
  )
  pkgs=()
  for c in "${k8s_cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  (cd "$mod" && go build -trimpath -ldflags "-s -w ${ver[*]}" -o "$stage/" "${pkgs[@]}")
  install_staged "${k8s_cmds[@]}"
  log "step kubernetes-build (${k8s_cmds[*]}): $(k8s_elapsed "$t") s"
fi

# --- etcd, in its own wrapper module so it builds with its own dependency versions ----------
if want etcd; then
  mod="$work/etcd"
  t="$(k8s_now)"
  rm -rf "$mod"
  mkdir -p "$mod"
  (
    cd "$mod"
    go mod init sluice.invalid/etcd >/dev/null 2>&1
    go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >go-get.log 2>&1 ||
      { tail -n 30 go-get.log >&2; die "go get failed (log: $mod/go-get.log)"; }
    go build -trimpath -ldflags "-s -w" -o "$stage/etcd" go.etcd.io/etcd/server/v3
  )
  install_staged etcd
  log "step etcd: $(k8s_elapsed "$t") s"
fi

# --- kwok and kwokctl (their go.mod has no replace lines, so go install works) -------------
kwok_cmds=()
for b in kwok kwokctl; do want "$b" && kwok_cmds+=("sigs.k8s.io/kwok/cmd/$b@v$KWOK_VERSION"); done
if ((${#kwok_cmds[@]})); then
  t="$(k8s_now)"
  GOBIN="$stage" go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
    "${kwok_cmds[@]}"
  names=()
  for c in "${kwok_cmds[@]}"; do c="${c%@*}"; names+=("${c##*/}"); done
  install_staged "${names[@]}"
  log "step kwok (${names[*]}): $(k8s_elapsed "$t") s"
fi

rmdir "$stage" 2>/dev/null || true
log "built ${missing[*]} in $(k8s_elapsed "$t_all") s"
log "disk: bin $(du -sh "$K8S_BIN" | cut -f1), Go module cache $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1)," \
  "Go build cache $(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1)"
