#!/usr/bin/env bash
# Makes the base image localhost/debian:bookworm from Debian's packages, for machines that
# reach Debian's package mirror but no container registry. Usage: scripts/image/base.sh
#
# debootstrap --variant=minbase bookworm, with the apt sources of Debian's own
# bookworm-slim image (bookworm, bookworm-updates, bookworm-security), tarred into
# $SLUICE_CACHE/image/debian-bookworm-minbase.tar and imported with `podman import`.
# Idempotent: nothing happens when the image exists; a cached tarball is imported again
# without debootstrap. Delete the tarball (and `podman rmi localhost/debian:bookworm`) to
# make it afresh. Needs root, podman and debootstrap (scripts/setup.sh installs them).
# Mirror: $SLUICE_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/../env.sh"

image="localhost/debian:bookworm"
mirror="${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="$SLUICE_CACHE/image"
tarball="$cache/debian-bookworm-minbase.tar"

if podman image exists "$image"; then
  exit 0
fi

if [[ ! -f "$tarball" ]]; then
  echo "base: debootstrap bookworm (minbase) from $mirror"
  mkdir -p "$cache"
  rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs" "$tarball.part"' EXIT
  log="$cache/debootstrap.log"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "base: debootstrap failed (log: $log)" >&2
    exit 1
  fi
  # The same suites as Debian's bookworm-slim image, so the two bases install the same
  # package versions.
  security="${mirror%/debian}/debian-security"
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  tar --numeric-owner -C "$rootfs" -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  rm -rf "$rootfs"
  trap - EXIT
fi

echo "base: importing $tarball as $image"
podman import --quiet \
  --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$tarball" "$image" >/dev/null
