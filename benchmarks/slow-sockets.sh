#!/usr/bin/env bash
# Issue 11's figure: under SOCKETS slow sockets held for SECONDS (half slowloris heads sent a
# byte every 10 s, half leak reports stuck after one body byte), GET /healthz and a signed leak
# report still answer; prints their p50/p99 and how many slow sockets the server closed.
# Usage: benchmarks/slow-sockets.sh [SOCKETS] [SECONDS]      (default 3000 for 60 s)
# Raises `ulimit -n` for itself and the server (needs a hard limit above SOCKETS + 200).
# Uses a release binary (KEYWARD_BENCH_BIN, or builds .build-release). One node on SQLite with
# the default limits (max_connections 4096, header_timeout_ms 10000, body_timeout_ms 30000).
set -euo pipefail
sockets=${1:-3000}
seconds=${2:-60}
ulimit -n $(( sockets * 2 + 1024 ))
source "$(dirname "$0")/lib.sh"
export KEYWARD_LEAK_REPORT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_node 19301 --db "$work/slow.db"
python3 benchmarks/slow-sockets.py 19301 "$KEYWARD_LEAK_REPORT_SECRET" "$sockets" "$seconds" 10
pid=${pids[0]}
echo "server RSS after: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}'), peak $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
