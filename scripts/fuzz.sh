#!/usr/bin/env bash
# Fuzzes the generated Kafka request decoders with libFuzzer for a bounded time.
# Usage: scripts/fuzz.sh [seconds]   (default 60)
#
# Configures build-fuzz/ with clang-14, -DSLUICE_FUZZ=ON and ASan+UBSan, builds
# request_decoder_fuzz, seeds it with one encoded request per API and version plus the
# captured client frames in tests/fixtures/protocol, and runs it. Exits non-zero on any
# crash, sanitizer report, leak or timeout; the failing input is saved under
# build-fuzz/fuzz-artifacts/. The evolving corpus is kept in build-fuzz/fuzz-corpus/.
# Environment: SLUICE_FUZZ_BUILD_DIR overrides the build directory.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "fuzz.sh: seconds must be a positive integer, got '$seconds'" >&2
  exit 2
fi
dir="${SLUICE_FUZZ_BUILD_DIR:-$top/build-fuzz}"

if [[ ! -f "$dir/build.ninja" ]]; then
  cmake -S "$top" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DSLUICE_FUZZ=ON -DSLUICE_SANITIZE=ON >/dev/null
fi
ninja -C "$dir" -j2 request_decoder_fuzz protocol_corpus

seeds="$dir/fuzz-seeds/request_decoder"
corpus="$dir/fuzz-corpus/request_decoder"
artifacts="$dir/fuzz-artifacts"
mkdir -p "$seeds" "$corpus" "$artifacts"
"$dir/tests/common/kafka/protocol/protocol_corpus" fuzz-seeds "$seeds" "$top/tests/fixtures/protocol"

# -timeout: a single input taking over 10 s counts as a failure (a hang).
# libFuzzer's progress lines go to a log; a failure prints its tail, success the totals.
log="$dir/fuzz.log"
if ! "$dir/tests/fuzz/request_decoder_fuzz" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$seeds" >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "fuzz.sh: FAILED; the input is in $artifacts, the whole log in $log" >&2
  exit 1
fi
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
echo "fuzz.sh: no crash in ${seconds}s"
