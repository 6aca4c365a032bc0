#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests (ctest) in the release build and
# again under AddressSanitizer + UndefinedBehaviorSanitizer, integration tests with
# real Kafka clients (pytest; a subset again against the sanitizer build of the broker),
# monitoring (promtool, alert rule tests), the Kubernetes control-plane harness and the Helm
# chart (scripts/k8s; Go binaries cached by version), the container images (built with
# podman, the broker smoke-tested), and a bounded fuzzing run of the request decoder.
# Each runner prints its own summary line; the script fails if any of them fails.
# SLUICE_FUZZ_SECONDS (default 60) bounds the fuzzing run; 0 skips it.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$top/scripts/env.sh"
"$top/scripts/setup.sh"

echo "== build (release)"
"$top/scripts/build.sh" release
echo "== unit tests (release)"
ctest --test-dir "$top/build" --output-on-failure

echo "== build (asan+ubsan)"
"$top/scripts/build.sh" asan
echo "== unit tests (asan+ubsan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$top/build-asan" --output-on-failure

echo "== integration tests (real clients)"
SLUICE_BROKER_BIN="$top/build/broker/sluice-broker" \
  "$SLUICE_VENV/bin/python" -m pytest -q "$top/tests/integration"

echo "== integration tests against the asan+ubsan broker (hostile input, kcat, Java tools)"
"$top/scripts/build.sh" asan sluice-broker
SLUICE_BROKER_BIN="$top/build-asan/broker/sluice-broker" \
  "$SLUICE_VENV/bin/python" -m pytest -q "$top/tests/integration/test_bad_input.py" \
  "$top/tests/integration/test_kcat.py" "$top/tests/integration/test_java_tools.py"

echo "== monitoring: promtool on real /metrics, alert rule unit tests, names used in alerts and dashboard"
SLUICE_BROKER_BIN="$top/build/broker/sluice-broker" SLUICE_OPERATOR_BIN="$top/build/operator/sluice-operator" \
  "$SLUICE_VENV/bin/python" -m pytest -q "$top/tests/monitoring"

echo "== benchmark harness (smoke: both brokers, every workload, a few seconds each)"
"$top/bench/run.sh" --smoke --build-dir "$top/build"

echo "== operator control plane (real kube-apiserver, built once into the cache)"
SLUICE_K8S_BUILD_TIMEOUT=3600 "$SLUICE_VENV/bin/python" -m pytest -q "$top/tests/operator"

echo "== container images (podman on a local Debian base; broker smoke test on loopback)"
"$SLUICE_VENV/bin/python" -m pytest -q "$top/tests/image"

fuzz_seconds="${SLUICE_FUZZ_SECONDS:-60}"
if [[ "$fuzz_seconds" != 0 ]]; then
  echo "== fuzzing the request decoder for ${fuzz_seconds}s"
  "$top/scripts/fuzz.sh" "$fuzz_seconds"
fi
echo "== all tests passed"
