#!/usr/bin/env bash
# Full-history scan time of `keyward scan --git` against betterleaks and kingfisher on a
# repository with a few thousand commits (built by make_history_repo.py, since the local
# package mirror keeps no history).
#
# Usage: benchmarks/scan/history.sh [REPO] [RUNS]
#   REPO  default /tmp/history-repo, built from /tmp/corpus/apple__swift-nio (3000 commits) when missing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=${1:-/tmp/history-repo}
runs=${2:-3}
keyward=${KEYWARD_BIN:-$root/.build-scan-release/release/keyward}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -d "$repo" ]; then
  [ -d /tmp/corpus/apple__swift-nio ] || /work/shared/bench/make-corpus.sh /tmp/corpus
  python3 "$here/make_history_repo.py" /tmp/corpus/apple__swift-nio "$repo" --commits 3000
fi
commits=$(git -C "$repo" rev-list --all --count)
pack=$(git -C "$repo" count-objects -vH | awk '/size-pack/ {print $2 $3}')

declare -A commands=(
  [keyward]="$keyward scan --git --format json --no-progress --no-inventory -o $work/keyward.json $repo"
  [betterleaks]="betterleaks git $repo --no-banner --log-level error -o $work/betterleaks.json"
  [kingfisher]="kingfisher scan $repo --git-history full --no-validate --no-update-check --quiet --format json -o $work/kingfisher.json"
)
order=(keyward betterleaks kingfisher)
declare -A times
for ((run = 1; run <= runs; run++)); do
  for tool in "${order[@]}"; do
    start=$(date +%s.%N)
    status=0
    ${commands[$tool]} > "$work/$tool.out" 2> "$work/$tool.err" || status=$?
    end=$(date +%s.%N)
    case "$status" in 0|1|200) ;; *) echo "$tool failed with status $status:" >&2; head -5 "$work/$tool.err" >&2; exit 2 ;; esac
    # betterleaks reports a failed git run as an "incomplete scan" with status 0.
    if grep -q "incomplete scan" "$work/$tool.err"; then echo "$tool did not complete:" >&2; head -5 "$work/$tool.err" >&2; exit 2; fi
    times[$tool]+="$(echo "$end - $start" | bc) "
  done
done

count() {
  python3 - "$1" "$2" <<'PY'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
try:
    data = json.load(open(path))
except Exception:
    print("?"); sys.exit()
if tool == "betterleaks":
    data = data.get("findings") or []
elif tool == "kingfisher":
    data = data.get("findings", data) if isinstance(data, dict) else data
print(len(data))
PY
}

{
  echo "Repository: $repo, $commits commits on 3 branches, pack $pack; $runs runs per tool, alternating; median wall time."
  echo "Machine: $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| tool | command | median s | findings | runs (s) |"
  echo "|---|---|---:|---:|---|"
  for tool in "${order[@]}"; do
    median=$(echo "${times[$tool]}" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    printf '| %s | `%s` | %.2f | %s | %s|\n' "$tool" "${commands[$tool]//$work/\$TMP}" "$median" "$(count "$tool" "$work/$tool.json")" "${times[$tool]}"
  done
} | tee "$here/results/history.md"
