#!/usr/bin/env bash
# Configures and builds Sluice. Usage: scripts/build.sh [release|asan] [ninja targets...]
#   release (default): build/, RelWithDebInfo
#   asan:              build-asan/, AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
variant="${1:-release}"
shift || true
case "$variant" in
  release) dir="$top/build"; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) dir="$top/build-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON) ;;
  *) echo "build.sh: unknown variant '$variant' (release or asan)" >&2; exit 2 ;;
esac
if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S "$top" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
fi
ninja -C "$dir" "$@"
