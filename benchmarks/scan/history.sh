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
keyward=${KEYWARD_BENCH_BIN:-$root/.build-scan-release/release/keyward}
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
source "$here/timing.sh"
time_tools

{
  echo "Repository: $repo, $commits commits on 3 branches, pack $pack; $runs runs per tool, alternating; median wall time."
  echo "Machine: $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| tool | command | median s | findings | runs (s) |"
  echo "|---|---|---:|---:|---|"
  for tool in "${order[@]}"; do
    printf '| %s | `%s` | %.2f | %s | %s|\n' "$tool" "${commands[$tool]//$work/\$TMP}" "$(median "$tool")" "$(findings "$tool")" "${times[$tool]}"
  done
} | tee "$here/results/history.md"
