#!/usr/bin/env bash
# Installs Sluice's dependencies, idempotently. Usage: scripts/setup.sh [--build-deps]
#   (default)     everything to build and test:
#     - Debian packages (compilers' libraries, RocksDB, prometheus-cpp, librdkafka, kcat,
#       podman/buildah/debootstrap for the container images, ...)
#     - Apache Kafka's Java clients and tools at a pinned version (Maven Central), cached
#     - A Python virtual environment with a Kafka client, cached
#   --build-deps  only what compiling sluice-broker and sluice-operator needs, with
#                 -DSLUICE_BUILD_TESTS=OFF: the Debian packages below and the one
#                 kafka-clients jar whose message specs the protocol codegen reads (checked
#                 against a pinned digest). The Dockerfile's build stage uses this.
# Safe to run repeatedly: each step checks what is already there.
# Cache root: $SLUICE_CACHE (default ~/.cache/sluice).
set -euo pipefail

mode=all
case "${1:-}" in
  "") ;;
  --build-deps) mode=build ;;
  *) echo "setup.sh: unknown option '$1' (usage: scripts/setup.sh [--build-deps])" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/env.sh"

# Enough to compile the two programs.
build_packages=(
  build-essential cmake ninja-build pkg-config python3
  libcpprest-dev nlohmann-json3-dev librocksdb-dev prometheus-cpp-dev
  libabsl-dev libboost-dev libssl-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libbz2-dev libgflags-dev
  ca-certificates  # the operator image carries the CA bundle
  ccache  # the Dockerfile compiles through it, with its cache on a build cache mount
)
debian_packages=(
  "${build_packages[@]}" python3-venv
  libgtest-dev libgmock-dev libasio-dev
  librdkafka-dev kcat clang-14 libclang-rt-14-dev clang-format-14
  openjdk-17-jdk-headless maven unzip curl python3-matplotlib
  openssl  # tests/operator: a CA that did not sign the API server
  podman buildah debootstrap  # scripts/image: build and smoke-test the container images
)
if [[ "$mode" == build ]]; then debian_packages=("${build_packages[@]}"); fi

install_debian() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    local log
    log="$(mktemp)"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$log" 2>&1; then
      cat "$log" >&2
      echo "setup: installing Debian packages failed" >&2
      exit 1
    fi
    rm -f "$log"
  fi
}

install_kafka_jars() {
  local dest="$SLUICE_KAFKA_LIBS"
  # The marker holds a digest of the pom and the version, so a cache made from an older
  # pom (e.g. before kafka_2.13 was added for kafka-configs) is fetched again.
  local want
  want="$( (cat "$here/kafka/pom.xml"; echo "$SLUICE_KAFKA_VERSION") | sha256sum | cut -d' ' -f1)"
  if [[ -f "$dest/.complete" && "$(cat "$dest/.complete")" == "$want" ]]; then return; fi
  echo "setup: fetching Apache Kafka $SLUICE_KAFKA_VERSION clients and tools"
  # Fetched beside the cache and swapped in, so tools running meanwhile keep their jars.
  local fresh="$dest.new.$$"
  rm -rf "$fresh" && mkdir -p "$fresh"
  mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$SLUICE_KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$fresh" -DincludeScope=runtime
  echo "$want" >"$fresh/.complete"
  rm -rf "$dest.old"
  if [[ -d "$dest" ]]; then mv "$dest" "$dest.old"; fi
  mv "$fresh" "$dest"
  rm -rf "$dest.old"
}

# The kafka-clients jar alone, for --build-deps (the default mode gets it with the rest
# through Maven): copied from $SLUICE_KAFKA_JARS_FROM when that directory holds it
# (scripts/image/build.sh mounts the host's cache there), else fetched with Maven. Either
# way it must match the digest pinned for the Kafka version; set SLUICE_KAFKA_CLIENTS_SHA256
# when building against another version.
declare -A kafka_clients_sha256=(
  [4.1.1]=00247122a572c3d3ae4eb60a50192a5811bc0181f51923d13018600f892e821d
)
install_kafka_clients_jar() {
  local v="$SLUICE_KAFKA_VERSION"
  local name="kafka-clients-$v.jar"
  local jar="$SLUICE_KAFKA_LIBS/$name"
  local want="${SLUICE_KAFKA_CLIENTS_SHA256:-${kafka_clients_sha256[$v]:-}}"
  if [[ -z "$want" ]]; then
    echo "setup: no pinned digest for kafka-clients $v; set SLUICE_KAFKA_CLIENTS_SHA256" >&2
    exit 1
  fi
  matches() { echo "$want  $1" | sha256sum --quiet -c - >/dev/null 2>&1; }
  if [[ -f "$jar" ]] && matches "$jar"; then return; fi
  mkdir -p "$SLUICE_KAFKA_LIBS"
  local from="${SLUICE_KAFKA_JARS_FROM:-}"
  if [[ -n "$from" && -f "$from/$name" ]]; then
    echo "setup: taking $name from $from"
    cp "$from/$name" "$jar.part"
  else
    echo "setup: fetching $name with Maven"
    debian_packages=(maven openjdk-17-jdk-headless)
    install_debian
    local out
    out="$(mktemp -d)"
    (cd "$out" && mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="org.apache.kafka:kafka-clients:$v" -DoutputDirectory="$out")
    mv "$out/$name" "$jar.part"
    rm -rf "$out"
  fi
  if ! matches "$jar.part"; then
    echo "setup: $name does not match its pinned digest" >&2
    rm -f "$jar.part"
    exit 1
  fi
  mv "$jar.part" "$jar"
}

install_python() {
  local venv="$SLUICE_VENV"
  if [[ -f "$venv/.complete" ]]; then return; fi
  echo "setup: creating Python environment"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$here/requirements-test.txt"
  touch "$venv/.complete"
}

install_debian
if [[ "$mode" == build ]]; then
  install_kafka_clients_jar
else
  install_kafka_jars
  install_python
fi
echo "setup: done (cache: $SLUICE_CACHE)"
