# Shared by throughput.sh and history.sh (sourced, not run): times each tool of `order` from
# the `commands` table `runs` times, alternating tools so that machine load hits them alike,
# and reads medians and finding counts. Expects `work` (a scratch directory) to be set.

declare -A times
# CPU-seconds (user + system) of each run, from /usr/bin/time.
declare -A cpus

# Runs every tool once per round; a failed or incomplete run stops the benchmark.
time_tools() {
  local run tool start end status
  for ((run = 1; run <= runs; run++)); do
    for tool in "${order[@]}"; do
      start=$(date +%s.%N)
      status=0
      /usr/bin/time -f "%U %S" -o "$work/$tool.cpu" ${commands[$tool]} > "$work/$tool.out" 2> "$work/$tool.err" || status=$?
      end=$(date +%s.%N)
      # 1 (keyward, betterleaks) and 200 (kingfisher) mean "found something".
      case "$status" in 0|1|200) ;; *) echo "$tool failed with status $status:" >&2; head -5 "$work/$tool.err" >&2; exit 2 ;; esac
      # betterleaks reports a failed git run with status 0 ("failed to scan", "incomplete scan").
      if grep -qE "incomplete scan|failed to scan" "$work/$tool.err"; then echo "$tool did not complete:" >&2; head -5 "$work/$tool.err" >&2; exit 2; fi
      times[$tool]+="$(echo "$end - $start" | bc) "
      cpus[$tool]+="$(tail -1 "$work/$tool.cpu" | awk '{print $1 + $2}') "
    done
  done
}

median() {
  echo "${times[$1]}" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# Findings in a tool's JSON report (keyward: array; betterleaks, kingfisher: {"findings": […]}).
findings() {
  case "$1" in
    grep-floor) awk -F: '{s += $NF} END {print s " matching lines"}' "$work/grep-floor.out" ;;
    *) python3 - "$work/$1.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception:
    print("?"); sys.exit()
if isinstance(data, dict):
    data = data.get("findings") or []
print(len(data))
PY
    ;;
  esac
}

# Median CPU-seconds of a tool's runs.
median_cpu() {
  echo "${cpus[$1]}" | tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
