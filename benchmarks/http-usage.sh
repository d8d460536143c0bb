#!/usr/bin/env bash
# Verify throughput over HTTP with usage monitoring on versus off, in one run: two servers on
# the same release binary (KEYWARD_USAGE_MONITORING=on / off), measured alternately with wrk,
# median of the runs of each. The verify body names its caller, like a verifying service does.
# Usage: benchmarks/http-usage.sh [SECONDS_PER_RUN] [RUNS]   (also: benchmarks/http-verify.sh --usage-monitoring …)
# Needs wrk (apt-get install wrk). Builds a release binary in .build-release.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
runs=${2:-3}
port=${KEYWARD_BENCH_PORT:-18080}
if [ -z "${KEYWARD_BENCH_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product keyward >/dev/null
fi
bin=${KEYWARD_BENCH_BIN:-.build-release/release/keyward}
work=$(mktemp -d)
servers=()
trap 'for s in "${servers[@]}"; do kill "$s" 2>/dev/null || true; wait "$s" 2>/dev/null || true; done; rm -rf "$work"' EXIT

start() { # name port monitoring
  local admin key
  admin=$($bin init --db "$work/$1.db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')
  KEYWARD_USAGE_MONITORING=$3 $bin serve --db "$work/$1.db" --port "$2" > "$work/$1.log" 2>&1 &
  servers+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && break; sleep 0.1; done
  key=$(KEYWARD_ADDR="http://127.0.0.1:$2" KEYWARD_TOKEN="$admin" $bin keys create --name wrk --owner bench --scope bench:read --json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","required_scopes":["bench:read"],"ip":"10.1.2.3","caller":"billing-api","environment":"live"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin"
LUA
  curl -sf -X POST "http://127.0.0.1:$2/v1/verify" -H "Authorization: Bearer $admin" -d "{\"key\":\"$key\"}" | grep -q '"VALID"'
}
start off "$port" off
start on "$((port + 1))" on

run() { wrk -t1 -c64 -d"${seconds}s" --latency -s "$work/$1.lua" "http://127.0.0.1:$2/v1/verify" 2>&1; }
echo "== warm-up"
run off "$port" >/dev/null
run on "$((port + 1))" >/dev/null
for i in $(seq "$runs"); do
  run off "$port" > "$work/off.$i"
  run on "$((port + 1))" > "$work/on.$i"
done
python3 benchmarks/wrk_compare.py "$work" "$runs" off on 0.90
