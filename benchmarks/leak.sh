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
rounds=${1:-200}
burst=${2:-200}
source "$(dirname "$0")/lib.sh"
export KEYWARD_LEAK_REPORT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

echo "== 1. one node, SQLite ($rounds rounds, burst of $burst)"
start_node 19201 --db "$work/one.db"
export KEYWARD_TOKEN=$(bootstrap_key 19201)
"$bin" bench leak --nodes http://127.0.0.1:19201 --rounds "$rounds" --burst "$burst" | tail -5
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

postgres_database keyward_leak_bench_$$
url=$database_url

echo "== 2. two nodes, PostgreSQL ($rounds rounds, burst of $burst)"
start_node 19202 --database-url "$url"
export KEYWARD_TOKEN=$(bootstrap_key 19202)
start_node 19203 --database-url "$url"
"$bin" bench leak --nodes http://127.0.0.1:19202,http://127.0.0.1:19203 --rounds "$rounds" --burst "$burst" | tail -6
