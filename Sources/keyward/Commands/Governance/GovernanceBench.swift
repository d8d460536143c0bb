import ArgumentParser
import Foundation
import KeywardBenchmarks
import KeywardCore

/// `keyward bench governance`: the issue 4 targets, measured (run it on a release build).
///
/// 1. The pure import of a generated AWS credential report (first import, then the idempotent
///    re-import) — ``KeywardBenchmarks/ImportBenchmark``.
/// 2. The same file imported end to end into a new SQLite database through the governance
///    service, again as a re-import, and one policy evaluation with reconciliation over the
///    database — ``KeywardBenchmarks/GovernanceStoreBenchmark``.
/// 3. The default policy over a synthetic inventory, for the maintained and the neglected
///    profile — ``KeywardBenchmarks/PolicyBenchmark``.
///
/// Each phase reports wall time, CPU time (all threads) and peak resident memory.
struct GovernanceBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governance",
        abstract: "Time imports of a generated 1,000,000-row credential report and the default policy over 1,000,000 records."
    )

    @Option(name: .long, help: "Rows of the generated credential report.") var rows: Int = 1_000_000
    @Option(name: .long, help: "Items of the synthetic inventory for the policy phase.") var items: Int = 1_000_000
    @Option(name: .long, help: "maintained, neglected or both (default both).") var profile: String = "both"
    @Flag(name: .long, help: "Skip the end-to-end import into a database.") var skipStore = false
    @Option(name: .long, help: "Directory for the generated report and the database (default: the temporary directory).") var directory: String?

    func validate() throws {
        guard (1...10_000_000).contains(rows) else { throw ValidationError("--rows must be 1-10000000") }
        guard (1...10_000_000).contains(items) else { throw ValidationError("--items must be 1-10000000") }
        guard profile == "both" || SyntheticInventory.Profile(rawValue: profile) != nil else {
            throw ValidationError("--profile must be maintained, neglected or both")
        }
    }

    func run() async throws {
        let folder = directory ?? FileManager.default.temporaryDirectory.path
        let now = SystemClock().now()
        let report = "\(folder)/keyward-bench-credential-report-\(rows).csv"
        defer { try? FileManager.default.removeItem(atPath: report) }
        print(try ImportBenchmark.run(rows: rows, path: report, now: now))
        if !skipStore { try await storePhase(report: report, folder: folder) }
        let profiles = profile == "both" ? [SyntheticInventory.Profile.maintained, .neglected] : [SyntheticInventory.Profile(rawValue: profile)!]
        for profile in profiles {
            let measured = await Measured.run { PolicyBenchmark.run(items: items, profile: profile, now: now) }
            print(measured.value)
            print("  wall \(Self.seconds(measured.wallSeconds)) s, CPU, all phases: \(Self.seconds(measured.cpuSeconds)) s, peak memory: \(Self.peak(measured))")
        }
    }

    /// The report imported into a fresh database twice, then one evaluation, through the service.
    private func storePhase(report: String, folder: String) async throws {
        let benchmark = try await GovernanceStoreBenchmark(folder: folder)
        do {
            print("import into a database (SQLite, end to end through the governance service):")
            for pass in ["first import", "re-import"] {
                let measured = try await benchmark.importReport(report)
                let summary = measured.value
                print("  \(pass): \(Self.seconds(measured.wallSeconds)) s wall, \(Self.seconds(measured.cpuSeconds)) s CPU, peak \(Self.peak(measured)); "
                      + "created \(summary.created), updated \(summary.updated), unchanged \(summary.unchanged), rejected \(summary.rejected)")
            }
            let evaluation = try await benchmark.evaluate()
            print("  evaluate + reconcile + store findings: \(Self.seconds(evaluation.wallSeconds)) s wall, \(Self.seconds(evaluation.cpuSeconds)) s CPU, "
                  + "peak \(Self.peak(evaluation)); \(evaluation.value.items) records, \(evaluation.value.findings) findings, \(evaluation.value.opened) opened")
        } catch {
            try? await benchmark.close()
            throw error
        }
        try await benchmark.close()
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f", value) }

    static func peak<Value>(_ measured: Measured<Value>) -> String {
        measured.peakBytes.map { "\($0 / 1_048_576) MiB" } ?? "n/a"
    }
}
