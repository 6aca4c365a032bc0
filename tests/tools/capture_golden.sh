#!/usr/bin/env bash
# Re-captures the golden request frames in tests/fixtures/protocol/ from real clients:
# kcat 1.7.1 / librdkafka 2.0.2, the Apache Kafka 4.1.1 Java tools (scripts/kafka-tool) and
# kafka-python 2.0.2 (the test venv). Not run in CI: run it by hand after a client or
# apis.json change, then update the expected list in golden_test.cc if any version moved.
#
#   tests/tools/capture_golden.sh [--build DIR] [--out DIR] [--keep]
#     --build DIR  build directory holding broker/sluice-broker (default build-golden)
#     --out DIR    where to write <client>/<api>_v<version>[_<variant>].bin
#                  (default tests/fixtures/protocol; use a scratch dir to compare first)
#     --keep       keep the scratch directory with every captured frame and the logs
#
# How: a fresh Sluice broker on 127.0.0.1 advertises the port of tests/tools/capture_frames.py
# running in proxy mode, so every connection a client makes (bootstrap and the broker it
# learns from Metadata) goes through the proxy. Each scenario below gets its own proxy
# and scratch directory; `pick` then copies one frame of each to its fixture name. The
# two ApiVersions fixtures are captured with no broker at all (capture mode), so they are
# each client's very first request (correlation id 1). Frames carry timestamps and a
# producer id, so a re-capture differs in those bytes; the test checks fields, not bytes.
set -euo pipefail
shopt -s nullglob

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/env.sh
source "$repo/scripts/env.sh"
build="$repo/build-golden"
out="$repo/tests/fixtures/protocol"
keep=0
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--out DIR] [--keep]" >&2; exit 2 ;;
  esac
done

broker_bin="$build/broker/sluice-broker"
capture="$repo/tests/tools/capture_frames.py"
python="$SLUICE_VENV/bin/python"
kafka_tool="$repo/scripts/kafka-tool"
[[ -x "$broker_bin" ]] || { echo "no $broker_bin; run: ninja -C $build sluice-broker" >&2; exit 2; }
command -v kcat >/dev/null || { echo "kcat not found (apt-get install kcat)" >&2; exit 2; }
[[ -x "$python" ]] || { echo "no $python; run scripts/setup.sh" >&2; exit 2; }

kcat_version="$(kcat -V 2>&1 | grep -o 'librdkafka [0-9.]*' | cut -d' ' -f2)"
kafka_python_version="$("$python" -c 'import kafka; print(kafka.__version__)')"
[[ "$kcat_version" == 2.0.2 ]] ||
  echo "warning: librdkafka $kcat_version, fixtures are named 2.0.2" >&2
[[ "$kafka_python_version" == 2.0.2 ]] ||
  echo "warning: kafka-python $kafka_python_version, fixtures are named 2.0.2" >&2
rdkafka_dir="$out/librdkafka-2.0.2"
java_dir="$out/java-$SLUICE_KAFKA_VERSION"
python_dir="$out/kafka-python-2.0.2"

work="$(mktemp -d /tmp/sluice-golden.XXXXXX)"
broker_pid=""
cleanup() {
  if [[ -n "$broker_pid" ]]; then
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  if ((keep)); then echo "scratch directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
broker_port="$(free_port)"
proxy_port="$(free_port)"
http_port="$(free_port)"
bootstrap="127.0.0.1:$proxy_port"

# wait_for_line FILE TEXT: waits up to 10 s for TEXT to appear in FILE.
wait_for_line() {
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2
  cat "$1" >&2
  return 1
}

# scenario NAME [--no-broker] [PROXY_OPTION...] -- CMD...: runs CMD (stdin inherited, at
# most 60 s) with a capture proxy on $proxy_port saving every request into $work/NAME, then
# stops the proxy. With --no-broker the proxy answers nothing and keeps only the first
# request (CMD is expected to fail then); other options go to capture_frames.py.
scenario() {
  local name="$1" mode=(--upstream "127.0.0.1:$broker_port" --max-frames 1000) no_broker=0
  shift
  while (($#)) && [[ "$1" != -- ]]; do
    if [[ "$1" == --no-broker ]]; then mode=(--max-frames 1); no_broker=1; else mode+=("$1"); fi
    shift
  done
  shift
  python3 "$capture" --out "$work/$name" --port "$proxy_port" "${mode[@]}" --timeout 90 \
    </dev/null >"$work/$name.proxy.log" 2>&1 &
  local proxy_pid=$!
  wait_for_line "$work/$name.proxy.log" "listening on"
  echo "== $name: $*"
  if ((no_broker)); then
    timeout 20 "$@" >"$work/$name.client.log" 2>&1 || true
  elif ! timeout 60 "$@" >"$work/$name.client.log" 2>&1; then
    echo "$name: client failed" >&2
    cat "$work/$name.client.log" >&2
    exit 1
  fi
  kill -TERM "$proxy_pid" 2>/dev/null || true
  wait "$proxy_pid" || true
}

# pick NAME API DEST_DIR [VARIANT] [NTH]: copies the NTH (default 1st) <API>_v<N> request
# frame captured in scenario NAME to DEST_DIR/<API>_v<N>[_VARIANT].bin. API may name the
# version too (metadata_v1) when a client sent the same API at several versions.
pick() {
  local name="$1" api="$2" dest="$3" variant="${4:-}" nth="${5:-1}"
  local suffix="" stem="${2}_v[0-9]+" f matches=()
  [[ "$api" =~ _v[0-9]+$ ]] && stem="$api"
  ((nth > 1)) && suffix="_$nth"
  for f in "$work/$name/"*.bin; do
    [[ "$(basename "$f")" =~ ^${stem}${suffix}\.bin$ ]] && matches+=("$f")
  done
  if ((${#matches[@]} != 1)); then
    echo "$name: expected one ${api}_v<N>$suffix.bin, found ${#matches[@]}:" >&2
    ls "$work/$name" >&2
    exit 1
  fi
  local base
  base="$(basename "${matches[0]}" "$suffix.bin")"
  mkdir -p "$dest"
  cp "${matches[0]}" "$dest/$base${variant:+_$variant}.bin"
  echo "   $dest/$base${variant:+_$variant}.bin ($(stat -c %s "${matches[0]}") bytes)"
}

# Values are repetitive on purpose: librdkafka sends a batch uncompressed when
# compression would not make it smaller.
records() {  # records TAG: three key:value lines
  local i
  for i in 1 2 3; do echo "key-$i:value-$i-$1-abcdabcdabcdabcdabcdabcdabcdabcd"; done
}

# ---- ApiVersions, no broker: each client's first request ----
scenario rdkafka-api-versions --no-broker -- kcat -b "$bootstrap" -L -m 3
pick rdkafka-api-versions api_versions "$rdkafka_dir"
scenario java-api-versions --no-broker -- "$kafka_tool" broker-api-versions \
  --bootstrap-server "$bootstrap"
pick java-api-versions api_versions "$java_dir"

# ---- Through the broker ----
"$broker_bin" --data-dir "$work/data" --listeners "127.0.0.1:$broker_port" \
  --advertised-listeners "$bootstrap" --http-listeners "127.0.0.1:$http_port" \
  >"$work/broker.log" 2>&1 &
broker_pid=$!
wait_for_line "$work/broker.log" "ready"

# Java: CreateTopics with configs, idempotent Produce, consumer Fetch/ListOffsets.
scenario java-create-topics -- "$kafka_tool" topics --bootstrap-server "$bootstrap" --create \
  --topic golden-java --partitions 1 --replication-factor 1 \
  --config retention.ms=3600000 --config max.message.bytes=65536
pick java-create-topics create_topics "$java_dir"
records java | scenario java-produce -- "$kafka_tool" console-producer \
  --bootstrap-server "$bootstrap" --topic golden-java \
  --producer-property enable.idempotence=true --producer-property acks=all \
  --property parse.key=true --property key.separator=:
pick java-produce init_producer_id "$java_dir"
pick java-produce produce "$java_dir" idempotent
pick java-produce metadata "$java_dir" topic
scenario java-consume -- "$kafka_tool" console-consumer --bootstrap-server "$bootstrap" \
  --topic golden-java --partition 0 --offset earliest --max-messages 3 \
  --property print.key=true
pick java-consume list_offsets "$java_dir" earliest
pick java-consume fetch "$java_dir"
scenario java-get-offsets -- "$kafka_tool" get-offsets --bootstrap-server "$bootstrap" \
  --topic golden-java --time -1
pick java-get-offsets list_offsets "$java_dir" latest

# librdkafka: Produce with every codec (topic auto-created by Metadata), consumer, metadata.
# librdkafka 2.0.2 enables lz4 only if the broker lists FindCoordinator v0, which Sluice does
# not (yet); without it the "lz4" batch goes out uncompressed. The proxy adds the entry.
for codec in none gzip snappy lz4 zstd; do
  extra=()
  [[ "$codec" == lz4 ]] && extra=(--add-api 10:0:0)
  records "$codec" | scenario "rdkafka-produce-$codec" "${extra[@]}" -- kcat -b "$bootstrap" \
    -P -t golden-rdkafka -K: -z "$codec" -X linger.ms=200
  pick "rdkafka-produce-$codec" produce "$rdkafka_dir" "$codec"
done
scenario rdkafka-consume -- kcat -b "$bootstrap" -C -t golden-rdkafka -p 0 -o beginning -e
pick rdkafka-consume list_offsets "$rdkafka_dir" earliest
pick rdkafka-consume fetch "$rdkafka_dir"
scenario rdkafka-metadata-topic -- kcat -b "$bootstrap" -L -t golden-rdkafka
pick rdkafka-metadata-topic metadata "$rdkafka_dir" topic
scenario rdkafka-metadata-all -- kcat -b "$bootstrap" -L
# kcat -L first asks for brokers only (an empty topic array), then for all topics (null).
pick rdkafka-metadata-all metadata "$rdkafka_dir" brokers 1
pick rdkafka-metadata-all metadata "$rdkafka_dir" all 2

# kafka-python: Produce (uncompressed and gzip), Fetch, Metadata.
# Usage: python client.py BOOTSTRAP MODE, MODE one of produce-none, produce-gzip, consume.
cat >"$work/python_client.py" <<'EOF'
import sys
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
bootstrap, mode = sys.argv[1], sys.argv[2]
if mode.startswith("produce-"):
    codec = mode.split("-", 1)[1]
    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id="kafka-python-golden",
                             acks=1, linger_ms=200,
                             compression_type=None if codec == "none" else codec)
    for i in (1, 2, 3):
        value = b"value-%d-python-%s-" % (i, codec.encode()) + b"abcd" * 8
        producer.send("golden-python", key=b"key-%d" % i, value=value)
    producer.flush(timeout=30)
    producer.close(timeout=30)
else:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="kafka-python-golden",
                             enable_auto_commit=False, consumer_timeout_ms=5000)
    tp = TopicPartition("golden-python", 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    got = 0
    for _ in range(50):
        got += sum(len(v) for v in consumer.poll(timeout_ms=200).values())
        if got >= 6:
            break
    consumer.close()
    sys.exit(0 if got >= 6 else 1)
EOF
python_client=("$python" "$work/python_client.py" "$bootstrap")
scenario python-produce-none -- "${python_client[@]}" produce-none
pick python-produce-none produce "$python_dir" none
pick python-produce-none api_versions "$python_dir"
pick python-produce-none metadata_v1 "$python_dir" topic 2
scenario python-produce-gzip -- "${python_client[@]}" produce-gzip
pick python-produce-gzip produce "$python_dir" gzip
scenario python-consume -- "${python_client[@]}" consume
pick python-consume list_offsets "$python_dir" earliest
pick python-consume fetch "$python_dir"

echo "done; fixtures in $out"
