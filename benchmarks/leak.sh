#!/usr/bin/env bash
# Leak → revoke latency (issue 6): the time from a signed leak report arriving at a node to the
# key answering REVOKED on every node, p50/p99, with `keyward bench leak`:
#   1. one node on SQLite;
#   2. two nodes on one PostgreSQL database (the second follows the change feed); reports go to
#      each node in turn.
# Each part ends with a burst of BURST one-key reports sent at once (a flood), retried on 429.
# Usage: benchmarks/leak.sh [ROUNDS] [BURST]
# Uses KEYWARD_BENCH_DATABASE_URL (a server where it may create a database) or starts a private
# PostgreSQL cluster from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
burst=${2:-200}
swift build -c release --scratch-path .build-release --product keyward >/dev/null 2>&1
bin=$PWD/.build-release/release/keyward
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${pgdata:-}" ] && su postgres -c "$pgbin/pg_ctl -D $pgdata -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export KEYWARD_LEAK_REPORT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

start_node() { # port, extra arguments…
  local port=$1; shift
  "$bin" serve --port "$port" "$@" > "$work/node-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
  echo "node on port $port did not start" >&2; cat "$work/node-$port.log" >&2; exit 2
}

echo "== 1. one node, SQLite ($rounds rounds, burst of $burst)"
start_node 19201 --db "$work/one.db"
export KEYWARD_TOKEN=$(grep -o 'kw_live_[0-9A-Za-z]*' "$work/node-19201.log" | head -1)
"$bin" bench leak --nodes http://127.0.0.1:19201 --rounds "$rounds" --burst "$burst" | tail -5
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

if [ -z "${KEYWARD_BENCH_DATABASE_URL:-}" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pgdata=$(mktemp -d /tmp/keyward-bench-pg.XXXXXX); chown postgres "$pgdata"
  su postgres -c "$pgbin/initdb -D $pgdata -A trust -U postgres" >/dev/null
  su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-p 55498 -k /tmp' -l $pgdata/log start" >/dev/null
  KEYWARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55498/postgres
fi
db=keyward_leak_bench_$$
psql "$KEYWARD_BENCH_DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
url=${KEYWARD_BENCH_DATABASE_URL%/*}/$db
trap 'cleanup; psql "$KEYWARD_BENCH_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

echo "== 2. two nodes, PostgreSQL ($rounds rounds, burst of $burst)"
start_node 19202 --database-url "$url"
export KEYWARD_TOKEN=$(grep -o 'kw_live_[0-9A-Za-z]*' "$work/node-19202.log" | head -1)
start_node 19203 --database-url "$url"
"$bin" bench leak --nodes http://127.0.0.1:19202,http://127.0.0.1:19203 --rounds "$rounds" --burst "$burst" | tail -6
