#!/usr/bin/env bash
# Sluice against Apache Kafka, one command: fetches and caches the Kafka broker, builds
# sluice-broker and sluice-loadgen (release), runs every workload on Kafka and then on Sluice,
# and writes the report. See bench/README.md.
#
#   bench/run.sh                 full run; report in bench/results/<date>-<host-kind>/
#   bench/run.sh --smoke         a few seconds per workload (CI); report in <work>/smoke-report/
#   bench/run.sh --duration 20 --note "busy machine"   shorter full run
#
# Options of this script (the rest go to bench/harness/bench.py, see --help there):
#   --build-dir DIR   CMake build to use and build in (default $SLUICE_BENCH_BUILD or build/)
#   --work DIR        broker data and logs (default <build-dir>/bench-work); wiped per run
#   --no-build        use the binaries already built
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"

build="${SLUICE_BENCH_BUILD:-$top/build}"
work=""
do_build=1
smoke=0
has_out=0
pass=()
while (($#)); do
  case "$1" in
    --build-dir) build="$(realpath -m "$2")"; shift 2 ;;
    --work) work="$(realpath -m "$2")"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exec python3 "$top/bench/harness/bench.py" --help ;;
    *)
      [[ "$1" == --smoke ]] && smoke=1
      [[ "$1" == --out ]] && has_out=1
      pass+=("$1"); shift ;;
  esac
done
work="${work:-$build/bench-work}"
command_line="bench/run.sh ${pass[*]:-}"

# 1. Kafka: the client tools (scripts/setup.sh caches them) and the broker (cached here).
if [[ ! -f "$SLUICE_KAFKA_LIBS/.complete" ]]; then
  "$top/scripts/setup.sh"
fi
kafka_broker_libs="$SLUICE_CACHE/kafka-broker-$SLUICE_KAFKA_VERSION/libs"
if [[ ! -f "$kafka_broker_libs/.complete" ]]; then
  echo "bench: fetching the Apache Kafka $SLUICE_KAFKA_VERSION broker (kafka_2.13 and its runtime dependencies)"
  rm -rf "$kafka_broker_libs" && mkdir -p "$kafka_broker_libs"
  mvn -q -B -Dstyle.color=never -f "$top/bench/kafka/pom.xml" -Dkafka.version="$SLUICE_KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$kafka_broker_libs" -DincludeScope=runtime
  for jar in kafka_2.13 kafka-server kafka-raft kafka-metadata kafka-storage kafka-clients log4j-core; do
    compgen -G "$kafka_broker_libs/$jar-*.jar" >/dev/null ||
      { echo "bench: $jar missing from $kafka_broker_libs" >&2; exit 1; }
  done
  touch "$kafka_broker_libs/.complete"
fi

# 2. Release binaries. sluice-loadgen is built in the main build once the top-level
#    CMakeLists.txt has add_subdirectory(bench); until then as a project of its own.
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
if ninja -C "$build" -t query sluice-loadgen >/dev/null 2>&1; then
  loadgen_build="$build"
  loadgen="$build/bench/loadgen/sluice-loadgen"
else
  loadgen_build="$build/bench-loadgen"
  loadgen="$loadgen_build/loadgen/sluice-loadgen"
  if [[ ! -f "$loadgen_build/build.ninja" ]]; then
    cmake -S "$top/bench" -B "$loadgen_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
fi
if ((do_build)); then
  ninja -C "$build" sluice-broker
  ninja -C "$loadgen_build" sluice-loadgen
fi
for bin in "$build/broker/sluice-broker" "$loadgen"; do
  [[ -x "$bin" ]] || { echo "bench: $bin is not built" >&2; exit 1; }
done

# Plots need matplotlib: Debian's python3-matplotlib lives in the system Python, which may not be
# the first python3 on PATH.
py=python3
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import matplotlib' 2>/dev/null; then py="$candidate"; break; fi
done
"$py" -c 'import matplotlib' 2>/dev/null ||
  echo "bench: python3-matplotlib is not installed: the report will have no plots" >&2

# 3. Run, measure, report.
extra=()
source_dir="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")"
[[ -n "$source_dir" ]] && extra+=(--sluice-source "$source_dir")
((smoke && !has_out)) && extra+=(--out "$work/smoke-report")
mkdir -p "$work"
exec "$py" "$top/bench/harness/bench.py" \
  --work "$work" --loadgen "$loadgen" --sluice-broker "$build/broker/sluice-broker" \
  --kafka-libs "$kafka_broker_libs" --kafka-version "$SLUICE_KAFKA_VERSION" \
  --command-line "$command_line" "${extra[@]}" "${pass[@]}"
