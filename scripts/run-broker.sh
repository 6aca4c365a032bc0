#!/usr/bin/env bash
# Sets up, builds and starts a broker on localhost:9092 with its data in ./data
# (override with --data-dir DIR or any other flag: sluice-broker --help).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$top/scripts/setup.sh"
"$top/scripts/build.sh" release sluice-broker
exec "$top/build/broker/sluice-broker" --data-dir "$top/data" "$@"
