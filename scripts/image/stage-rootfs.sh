#!/usr/bin/env bash
# Lays out the root filesystem of a runtime image: one program and exactly what it needs to
# run, for the Dockerfile's `FROM scratch` stages. Runs in the Dockerfile's build stage.
# Usage: scripts/image/stage-rootfs.sh DEST BINARY [--data-dir DIR] [--ca-certs]
#   DEST/usr/local/bin/<name>  BINARY with debug sections stripped (symbols kept)
#   DEST/<path>                every shared library `ldd BINARY` resolves, and the loader
#   DEST/etc/passwd, group     root and sluice (uid/gid 65532, the non-root user of the images)
#   DEST/etc/nsswitch.conf     files, then DNS
#   DEST/tmp                   mode 1777 (a read-only root mounts a volume over it)
#   --data-dir DIR             DEST/DIR, owned by 65532 (the image declares it a VOLUME)
#   --ca-certs                 Debian's CA bundle at /etc/ssl/certs/ca-certificates.crt, and
#                              OpenSSL's default file /usr/lib/ssl/cert.pem pointing at it
# No shell, no coreutils: nothing else is copied.
set -euo pipefail

dest="$1"
binary="$2"
shift 2
data_dir=""
ca_certs=0
while (($#)); do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --ca-certs) ca_certs=1; shift ;;
    *) echo "stage-rootfs.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

mkdir -p "$dest/usr/local/bin" "$dest/etc"
name="$(basename "$binary")"
cp "$binary" "$dest/usr/local/bin/$name"
strip --strip-debug "$dest/usr/local/bin/$name"

# "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and the loader's
# "/lib64/ld-linux-x86-64.so.2 (0x...)": copy each file (symlinks resolved) to the path the
# loader looks for it at. linux-vdso has no file.
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u |
  while read -r lib; do
    mkdir -p "$dest$(dirname "$lib")"
    cp -L "$lib" "$dest$lib"
  done
if ldd "$binary" | grep -q "not found"; then
  ldd "$binary" >&2
  echo "stage-rootfs.sh: $binary has unresolved libraries" >&2
  exit 1
fi

cat >"$dest/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
sluice:x:65532:65532:sluice:/nonexistent:/sbin/nologin
PASSWD
cat >"$dest/etc/group" <<'GROUP'
root:x:0:
sluice:x:65532:
GROUP
cat >"$dest/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
install -d -m 1777 "$dest/tmp"

if [[ -n "$data_dir" ]]; then
  install -d -m 0750 -o 65532 -g 65532 "$dest$data_dir"
fi
if ((ca_certs)); then
  mkdir -p "$dest/etc/ssl/certs" "$dest/usr/lib/ssl"
  cp -L /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/"
  ln -s /etc/ssl/certs/ca-certificates.crt "$dest/usr/lib/ssl/cert.pem"
fi
