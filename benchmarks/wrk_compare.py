"""Compares two series of wrk runs measured in one benchmark run.

Usage: python3 benchmarks/wrk_compare.py WORKDIR RUNS BASELINE CANDIDATE TARGET
Reads WORKDIR/BASELINE.1 … WORKDIR/BASELINE.RUNS and the same for CANDIDATE (wrk --latency
output), prints each series (req/s per run, medians of req/s, p50 and p99, non-2xx answers) and
the ratio of the candidate's median throughput to the baseline's, against TARGET.
"""
import re
import statistics
import sys


def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def ms(label):
        m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % label, text)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, ms("50%"), ms("99%"), int(errors.group(1)) if errors else 0


work, runs, baseline, candidate, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
medians = {}
for label in (baseline, candidate):
    samples = [parse(f"{work}/{label}.{i}") for i in range(1, runs + 1)]
    medians[label] = statistics.median(s[0] for s in samples)
    print(f"{label:7s} req/s runs: " + " / ".join(f"{s[0]:.0f}" for s in samples)
          + f"   median {medians[label]:.0f} req/s, p50 {statistics.median(s[1] for s in samples):.2f} ms,"
          + f" p99 {statistics.median(s[2] for s in samples):.2f} ms, non-2xx {sum(s[3] for s in samples)}")
print(f"{candidate}/{baseline} throughput ratio: {medians[candidate] / medians[baseline]:.3f} (target >= {target})")
