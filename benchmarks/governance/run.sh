#!/usr/bin/env bash
# Governance benchmark: import of a generated AWS credential report and evaluation of the default
# policy over a synthetic inventory, with CPU time and peak memory per phase.
#
#   benchmarks/governance/run.sh [ROWS] [ITEMS]      (defaults: 1000000 1000000)
#
# Runs `keyward bench governance --skip-store` (the in-memory phases; the code is in the
# KeywardBenchmarks module) on a release build in .build-release, or on KEYWARD_BENCH_BIN. The
# generated report goes to $WORK (default /tmp) and is removed afterwards.
set -euo pipefail
ROWS="${1:-1000000}"
ITEMS="${2:-1000000}"
WORK="${WORK:-/tmp}"
cd "$(dirname "$0")/../.."
if [ -z "${KEYWARD_BENCH_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product keyward >&2
fi
bin=${KEYWARD_BENCH_BIN:-.build-release/release/keyward}
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(swift --version 2>&1 | head -1)"
echo "# command: benchmarks/governance/run.sh $ROWS $ITEMS"
"$bin" bench governance --rows "$ROWS" --items "$ITEMS" --skip-store --directory "$WORK"
