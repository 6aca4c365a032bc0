#!/usr/bin/env bash
# Builds the container images sluice/sluice-broker:<version> and sluice/sluice-operator:<version>
# from the top-level Dockerfile with podman, and prints their names.
# Usage: scripts/image/build.sh
#   <version> is the project version in CMakeLists.txt, passed as SLUICE_VERSION.
#   SLUICE_BASE_IMAGE: the build stage's base (default localhost/debian:bookworm, which
#   scripts/image/base.sh makes when it is missing; set debian:bookworm-slim where a registry
#   is reachable).
#   The kafka-clients jar the build stage needs is taken from the host's cache
#   ($SLUICE_KAFKA_LIBS, filled by scripts/setup.sh), mounted read-only for the build, so the
#   build fetches nothing but Debian packages.
# podman keeps every layer, so a second run over an unchanged source tree takes seconds
# (scripts/image/README.md has measured times). Needs root and podman (scripts/setup.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/../.." && pwd)"
base="${SLUICE_BASE_IMAGE:-localhost/debian:bookworm}"

version="$(sed -n 's/^project(sluice VERSION \([0-9][0-9.]*\).*/\1/p' "$top/CMakeLists.txt")"
if [[ -z "$version" ]]; then
  echo "build.sh: no 'project(sluice VERSION x.y.z' in CMakeLists.txt" >&2
  exit 1
fi
revision=unknown
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  revision="$(git -C "$top" rev-parse HEAD)"
  if [[ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    revision="$revision-dirty"
  fi
fi

if [[ "$base" == localhost/debian:bookworm ]]; then
  "$here/base.sh"
fi

# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
jars=()
if [[ -f "$SLUICE_KAFKA_LIBS/kafka-clients-$SLUICE_KAFKA_VERSION.jar" ]]; then
  jars=(--volume "$SLUICE_KAFKA_LIBS:/run/sluice-kafka:ro")
fi

# Both images are built from one snapshot of the sources (what .dockerignore would leave out
# aside), so that they agree even while the working tree changes under the build.
context="$(mktemp -d "${TMPDIR:-/tmp}/sluice-image-context.XXXXXX")"
trap 'rm -rf "$context"' EXIT
tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=__pycache__ -cf - . |
  tar -C "$context" -xf -

start=$SECONDS
for target in broker operator; do
  image="sluice/sluice-$target:$version"
  echo "build.sh: building $image (base $base)"
  podman build --isolation=chroot --layers --target "$target" \
    --build-arg BASE_IMAGE="$base" \
    --build-arg SLUICE_VERSION="$version" \
    --build-arg SLUICE_REVISION="$revision" "${jars[@]}" \
    -t "$image" -f "$context/Dockerfile" "$context"
done
echo "build.sh: built in $((SECONDS - start)) s:"
for target in broker operator; do
  echo "  sluice/sluice-$target:$version"
done
