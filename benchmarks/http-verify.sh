#!/usr/bin/env bash
# HTTP benchmark of one keyward server on loopback, measured in one run:
#   GET /healthz versus POST /v1/verify (a valid key, with its Bearer credential), with wrk;
#   issuing 10,000 keys through the API and revoking them all by owner.
# Usage: benchmarks/http-verify.sh [SECONDS_PER_RUN] [RUNS]
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
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

admin=$($bin init --db "$work/bench.db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')
$bin serve --db "$work/bench.db" --port "$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
export KEYWARD_ADDR="http://127.0.0.1:$port" KEYWARD_TOKEN="$admin"

echo "== issue 10,000 keys through the API, then revoke them all by owner"
$bin bench issue --count 10000 --concurrency 8

key=$($bin keys create --name wrk --owner bench --scope bench:read --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cat > "$work/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","required_scopes":["bench:read"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin"
LUA
curl -sf -X POST "http://127.0.0.1:$port/v1/verify" -H "Authorization: Bearer $admin" -d "{\"key\":\"$key\"}" | grep -q '"VALID"'

run() { wrk -t1 -c64 -d"${seconds}s" --latency ${1:+-s "$1"} "$2" 2>&1; }
echo "== warm-up"
run "" "http://127.0.0.1:$port/healthz" >/dev/null
run "$work/verify.lua" "http://127.0.0.1:$port/v1/verify" >/dev/null
for i in $(seq "$runs"); do
  run "" "http://127.0.0.1:$port/healthz" > "$work/health.$i"
  run "$work/verify.lua" "http://127.0.0.1:$port/v1/verify" > "$work/verify.$i"
done
python3 benchmarks/wrk_compare.py "$work" "$runs" health verify 0.85
