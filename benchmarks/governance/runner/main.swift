// The governance benchmark as a stand-alone program; `run.sh` builds it against the library
// sources. `keyward bench governance` calls the same two functions.
import KeywardCore
import KeywardImport
import KeywardPolicy

let arguments = CommandLine.arguments.dropFirst()
let rows = arguments.first.flatMap { Int($0) } ?? 1_000_000
let items = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
let directory = arguments.dropFirst(2).first ?? "/tmp"
let now = Timestamp(iso8601: "2026-11-29T12:00:00Z")!
let path = "\(directory)/keyward-bench-credential-report-\(rows).csv"

do {
    print(try ImportBenchmark.run(rows: rows, path: path, now: now))
} catch {
    print("import benchmark failed: \(error)")
}
for profile in SyntheticInventory.Profile.allCases.reversed() {
    ProcessUsage.resetPeak()
    let cpu = ProcessUsage.cpuSeconds()
    let policy = PolicyBenchmark.run(items: items, profile: profile, now: now)
    print(policy)
    print("  CPU, all phases:    \(Int((ProcessUsage.cpuSeconds() - cpu).rounded())) s")
    print("  peak memory:        \(ProcessUsage.peakBytes().map { "\($0 / 1_048_576) MiB" } ?? "n/a")")
}
