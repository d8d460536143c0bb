#!/usr/bin/env bash
# Issue 11's import figure: peak RSS of `keyward serve` while POST /v1/inventory/import/KIND
# takes a generated MIB-MiB file (keyward's generic format), above the server's idle RSS.
# Usage: benchmarks/import-rss.sh [MIB] [KIND]          (default 256 MiB of json; KIND json or csv)
# Uses a release binary (KEYWARD_BENCH_BIN, or builds .build-release).
set -euo pipefail
mib=${1:-256}
kind=${2:-json}
source "$(dirname "$0")/lib.sh"
python3 - "$work/inventory.$kind" "$mib" "$kind" <<'PY'
import json, sys
path, mib, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
target = mib << 20
with open(path, "w") as out:
    if kind == "csv":
        out.write("provider,external_id,owner,name,environments\n")
    else:
        out.write("[")
    written, index = 0, 0
    while written < target:
        if kind == "csv":
            line = f"aws,AKIA{index:016d},team-{index % 97}@example.com,key {index},prod;staging\n"
        else:
            line = ("," if index else "") + json.dumps({"provider": "aws", "external_id": f"AKIA{index:016d}", "owner": f"team-{index % 97}@example.com",
                                                      "name": f"key {index}", "environments": ["prod", "staging"]}) + "\n"
        out.write(line); written += len(line); index += 1
    if kind != "csv":
        out.write("]\n")
    print(f"{index} records, {written >> 20} MiB", file=sys.stderr)
PY
start_node 19302 --db "$work/import.db" --max-import-bytes $(( (mib + 16) << 20 ))
pid=${pids[0]}
admin=$(bootstrap_key 19302)
sleep 2
idle=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
started=$(date +%s.%N)
status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $admin" --data-binary @"$work/inventory.$kind" \
  "http://127.0.0.1:19302/v1/inventory/import/$kind?file=inventory.$kind")
ended=$(date +%s.%N)
peak=$(grep VmHWM /proc/$pid/status | awk '{print $2}')
echo "import of $mib MiB $kind: HTTP $status in $(echo "$ended - $started" | bc) s; $(head -c 300 "$work/answer.json")"
echo "idle RSS $((idle / 1024)) MiB, peak RSS $((peak / 1024)) MiB: $(( (peak - idle) / 1024 )) MiB above idle (issue 11 asks < 200 MiB)"
