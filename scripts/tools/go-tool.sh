#!/usr/bin/env bash
# Builds one Go command from the Go module proxy into the cache and prints its path.
#   scripts/tools/go-tool.sh helm.sh/helm/v3/cmd/helm@v3.22.0
# Output: ${SLUICE_CACHE:-~/.cache/sluice}/tools/<name>/<version>/<name>, outside the
# repository. Idempotent: an existing binary is kept. One build per tool at a time (flock);
# the binary is built into a staging directory and moved in, so an interrupted build never
# leaves a broken one. Extra arguments go to `go install` (e.g. -tags).
set -euo pipefail

die() { echo "go-tool: error: $*" >&2; exit 1; }
[[ $# -ge 1 && "$1" == *@* ]] || die "usage: $0 MODULE/PATH/cmd/NAME@VERSION [go install flags]"
pkg="$1"
shift
version="${pkg##*@}"
name="${pkg%@*}"
name="${name##*/}"
home="${SLUICE_CACHE:-$HOME/.cache/sluice}/tools/$name/$version"
bin="$home/$name"
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || die "go is not installed"
mkdir -p "$home"
exec 9>"$home/.build.lock"
flock -w 3600 9 || die "timed out waiting for another build of $pkg"
if [[ ! -x "$bin" ]]; then
  stage="$home/stage.$$"
  rm -rf "$stage" && mkdir -p "$stage"
  start=$SECONDS
  echo "go-tool: building $pkg" >&2
  CGO_ENABLED=0 GOBIN="$stage" go install -trimpath -ldflags "-s -w" "$@" "$pkg" >&2 ||
    { rm -rf "$stage"; die "go install $pkg failed"; }
  mv -f "$stage/$name" "$bin"
  rm -rf "$stage"
  echo "go-tool: built $name $version in $((SECONDS - start)) s" >&2
fi
echo "$bin"
