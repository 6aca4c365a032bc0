#!/usr/bin/env bash
# Installs every build and test dependency of Sluice, idempotently.
#   - Debian packages (compilers' libraries, RocksDB, prometheus-cpp, librdkafka, kcat, ...)
#   - Apache Kafka's Java clients and tools at a pinned version (Maven Central), cached
#   - A Python virtual environment with a Kafka client, cached
# Safe to run repeatedly: each step checks what is already there.
# Cache root: $SLUICE_CACHE (default ~/.cache/sluice).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/env.sh"

debian_packages=(
  build-essential cmake ninja-build pkg-config python3 python3-venv
  libcpprest-dev nlohmann-json3-dev librocksdb-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libabsl-dev libasio-dev libboost-dev libssl-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libbz2-dev libgflags-dev
  librdkafka-dev kcat clang-14 libclang-rt-14-dev clang-format-14
  openjdk-17-jdk-headless maven unzip curl python3-matplotlib
  openssl  # tests/operator: a CA that did not sign the API server
)

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
install_kafka_jars
install_python
echo "setup: done (cache: $SLUICE_CACHE)"
