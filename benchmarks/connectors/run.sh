#!/usr/bin/env bash
# Connector benchmarks (issue 12), against moto on loopback. Run from the repository root after a
# release build (swift build -c release); KEYWARD=path/to/keyward overrides the binary.
#
#   benchmarks/connectors/run.sh            # 10,000 users x 2 keys, 50 deactivation rounds
#   USERS=1000 ROUNDS=10 benchmarks/connectors/run.sh
#
# Measures:
#   1. sync of USERS IAM users with 2 keys each: wall time, requests made (the sync's own count),
#      peak memory (max RSS of the keyward process, /usr/bin/time -v); then a second, unchanged sync.
#   2. deactivation through keyward (`keyward inventory deactivate`) until moto reports the key
#      Inactive (ListAccessKeys): p50/p99 over ROUNDS keys.
#   3. the same through the drill: `keyward drill deactivate --rounds ROUNDS`.
set -euo pipefail
USERS=${USERS:-10000}
ROUNDS=${ROUNDS:-50}
PORT=${MOTO_PORT:-55461}
KEYWARD=${KEYWARD:-.build/release/keyward}
work=$(mktemp -d /tmp/keyward-bench-connectors.XXXXXX)
python3 -m moto.server -H 127.0.0.1 -p "$PORT" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true; rm -rf "$work"' EXIT
url="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fsS "$url/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== populate moto: $USERS users x 2 keys (not timed)"
python3 benchmarks/connectors/populate_moto.py "$url" "$USERS" 2
python3 -c "import boto3, sys; boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y').create_user(UserName='keyward-drill-canary')" "$url"

cat >"$work/keyward.yaml" <<YAML
db: $work/keyward.db
connectors:
  - name: moto
    kind: aws-iam
    endpoint: $url
    credentials: env
    actions: [deactivate]
YAML
export KEYWARD_CONFIG="$work/keyward.yaml" AWS_ACCESS_KEY_ID=AKIABENCH00000000000 AWS_SECRET_ACCESS_KEY=bench
"$KEYWARD" init --db "$work/keyward.db" --json >/dev/null

for run in first second; do
  echo "== sync ($run)"
  /usr/bin/time -v "$KEYWARD" connectors sync moto --db "$work/keyward.db" --json >"$work/sync.json" 2>"$work/time.txt"
  python3 - "$work/sync.json" "$work/time.txt" <<'PY'
import json, re, sys
sync = json.load(open(sys.argv[1])); timing = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", timing).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
print(f"succeeded={sync['succeeded']} created={sync['created']} updated={sync['updated']} unchanged={sync['unchanged']} "
      f"requests={sync['requests']} wall={wall} peak_rss={rss / 1024:.0f} MiB")
PY
done

echo "== deactivate through keyward until moto says Inactive ($ROUNDS keys)"
"$KEYWARD" inventory list --db "$work/keyward.db" --provider aws --status active --limit "$ROUNDS" --json >"$work/active.json"
python3 - "$work/active.json" "$url" "$KEYWARD" "$work/keyward.db" <<'PY'
import json, subprocess, sys, time
import boto3
items = json.load(open(sys.argv[1]))["items"]
iam = boto3.client("iam", endpoint_url=sys.argv[2], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
samples = []
for item in items:
    started = time.monotonic()
    subprocess.run([sys.argv[3], "inventory", "deactivate", item["id"], "--reason", "benchmark", "--db", sys.argv[4], "--json"],
                   check=True, capture_output=True)
    while True:
        keys = iam.list_access_keys(UserName=item["identity"])["AccessKeyMetadata"]
        if any(k["AccessKeyId"] == item["external_id"] and k["Status"] == "Inactive" for k in keys):
            break
        time.sleep(0.005)
    samples.append((time.monotonic() - started) * 1000)
samples.sort()
pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
print(f"rounds={len(samples)} p50={pick(0.5):.1f} ms p99={pick(0.99):.1f} ms max={samples[-1]:.1f} ms (process start included)")
PY

echo "== drill deactivate ($ROUNDS rounds)"
"$KEYWARD" drill deactivate --connector moto --rounds "$ROUNDS" --db "$work/keyward.db"
