# Shared by the benchmark scripts: release build, node processes, a PostgreSQL database, cleanup.
# Source it after `set -euo pipefail`; it changes to the repository root.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# KEYWARD_BENCH_BIN names a release binary built before (the tree may be changing meanwhile).
if [ -z "${KEYWARD_BENCH_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product keyward >/dev/null 2>&1
fi
bin=${KEYWARD_BENCH_BIN:-$PWD/.build-release/release/keyward}
work=$(mktemp -d)
pids=()
cleanup_hooks=()

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
  rm -rf "$work"
}
trap bench_cleanup EXIT

# start_node PORT ARGS…: `keyward serve` on PORT in the background, waiting until it answers.
start_node() {
  local port=$1; shift
  "$bin" serve --port "$port" "$@" > "$work/node-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.05; done
  echo "node on port $port did not start" >&2; cat "$work/node-$port.log" >&2; exit 2
}

# bootstrap_key PORT: the admin key a node printed on its first start.
bootstrap_key() { grep -o 'kw_live_[0-9A-Za-z]*' "$work/node-$1.log" | head -1; }

# postgres_database NAME: sets database_url to a new database NAME, dropped at exit, on
# KEYWARD_BENCH_DATABASE_URL's server, or on a private cluster from Debian's packages.
# (Not in $(…): the clean-up it registers must outlive the call.)
postgres_database() {
  if [ -z "${KEYWARD_BENCH_DATABASE_URL:-}" ]; then
    local pgbin pgdata
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pgdata=$(mktemp -d /tmp/keyward-bench-pg.XXXXXX); chown postgres "$pgdata"
    su postgres -c "$pgbin/initdb -D $pgdata -A trust -U postgres" >/dev/null
    su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-p 55499 -k /tmp' -l $pgdata/log start" >/dev/null
    cleanup_hooks+=("su postgres -c '$pgbin/pg_ctl -D $pgdata -m immediate stop' >/dev/null 2>&1")
    export KEYWARD_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55499/postgres
  fi
  psql "$KEYWARD_BENCH_DATABASE_URL" -qc "CREATE DATABASE $1" >/dev/null
  cleanup_hooks=("psql '$KEYWARD_BENCH_DATABASE_URL' -qc 'DROP DATABASE IF EXISTS $1 WITH (FORCE)' >/dev/null 2>&1" "${cleanup_hooks[@]}")
  database_url="${KEYWARD_BENCH_DATABASE_URL%/*}/$1"
}
