#!/usr/bin/env bash
# Scale-out benchmarks on PostgreSQL, measured in one run on this machine:
#   1. revocation propagation across two nodes: `keyward drill revoke`, ROUNDS rounds (default 200);
#   2. verify throughput of one node versus two nodes together (wrk, loopback);
#   3. revoking 100,000 keys by owner through node 1 while node 2 serves verifications:
#      node 2's verify throughput and latency during the revocation versus before it, and the
#      time until node 2 rejects the last revoked key.
# Usage: benchmarks/scale-out.sh [ROUNDS] [BULK_KEYS]
# Uses KEYWARD_BENCH_DATABASE_URL (a server where it may create a database) or starts a private
# PostgreSQL cluster from Debian's packages. Needs wrk.
set -euo pipefail
rounds=${1:-200}
bulk=${2:-100000}
source "$(dirname "$0")/lib.sh"
postgres_database keyward_bench_$$
url=$database_url

start_node 19101 --database-url "$url"
admin=$(bootstrap_key 19101)
start_node 19102 --database-url "$url"
export KEYWARD_TOKEN=$admin KEYWARD_ADDR=http://127.0.0.1:19101
nodes=http://127.0.0.1:19101,http://127.0.0.1:19102

echo "== 1. revocation propagation across two nodes ($rounds rounds)"
"$bin" drill revoke --nodes "$nodes" --rounds "$rounds" --slo-ms 1000 | tail -5

echo "== 2. verify throughput: one node versus two nodes together (wrk -c64 per node, 10 s)"
key=$("$bin" keys create --name wrk --owner bench --scope bench:read --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cat > "$work/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"key":"$key","required_scopes":["bench:read"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin"
LUA
rps() { grep Requests/sec | awk '{print $2}'; }
wrk -t1 -c64 -d3s -s "$work/verify.lua" http://127.0.0.1:19101/v1/verify >/dev/null
one=$(wrk -t1 -c64 -d10s -s "$work/verify.lua" http://127.0.0.1:19101/v1/verify | rps)
wrk -t1 -c64 -d10s -s "$work/verify.lua" http://127.0.0.1:19101/v1/verify > "$work/two-a" &
other=$!
wrk -t1 -c64 -d10s -s "$work/verify.lua" http://127.0.0.1:19102/v1/verify > "$work/two-b"
wait "$other"
two=$(python3 -c "print($(rps < "$work/two-a") + $(rps < "$work/two-b"))")
python3 -c "print(f'one node: {$one:.0f} req/s; two nodes together: {$two:.0f} req/s (ratio {$two/$one:.2f}, both nodes and both wrk processes on the same 2 cores)')"

echo "== 3. revoking $bulk keys by owner through node 1 while node 2 verifies"
last=$("$bin" bench issue --count "$bulk" --concurrency 16 --owner departing --keep --json | tee "$work/issue.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_key"])')
python3 -c "import json; d=json.load(open('$work/issue.json')); print(f\"issued {d['keys']} keys in {d['issue_seconds']:.1f} s ({d['issue_per_second']:.0f}/s)\")"
until KEYWARD_ADDR=http://127.0.0.1:19102 "$bin" verify "$last" >/dev/null 2>&1; do sleep 0.05; done   # node 2 has them
baseline=$(wrk -t1 -c32 -d5s --latency -s "$work/verify.lua" http://127.0.0.1:19102/v1/verify)
wrk -t1 -c32 -d12s --latency -s "$work/verify.lua" http://127.0.0.1:19102/v1/verify > "$work/during" &
wrkpid=$!
sleep 1
t0=$(date +%s.%N)
"$bin" keys revoke --owner departing --reason "benchmark offboarding" --json > "$work/revoke.json"
t1=$(date +%s.%N)
until [ "$(KEYWARD_ADDR=http://127.0.0.1:19102 "$bin" verify "$last" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')" = REVOKED ]; do sleep 0.01; done
t2=$(date +%s.%N)
wait $wrkpid
python3 - "$work" "$t0" "$t1" "$t2" <<PY
import json, re, sys
work, t0, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
revoked = json.load(open(f"{work}/revoke.json"))["revoked"]
def stats(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def ms(label):
        m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % label, text); v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    mx = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", text); m = float(mx.group(1))
    m = m / 1000 if mx.group(2) == "us" else m * 1000 if mx.group(2) == "s" else m
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, ms("50%"), ms("99%"), m, int(errors.group(1)) if errors else 0
base = stats("""$baseline""")
during = stats(open(f"{work}/during").read())
print(f"revoked {revoked} keys by owner through node 1 in {t1 - t0:.2f} s; node 2 rejected the last of them {t2 - t0:.2f} s after the request started")
print(f"node 2 verify before: {base[0]:.0f} req/s, p50 {base[1]:.2f} ms, p99 {base[2]:.2f} ms, max {base[3]:.1f} ms")
print(f"node 2 verify during: {during[0]:.0f} req/s, p50 {during[1]:.2f} ms, p99 {during[2]:.2f} ms, max {during[3]:.1f} ms, non-2xx {during[4]}")
PY
