import ArgumentParser
import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardPolicy
import KeywardStore
import Logging

/// `keyward bench governance`: the issue 4 targets, measured (run it on a release build).
///
/// 1. The pure import of a generated AWS credential report (first import, then the idempotent
///    re-import) — ``KeywardImport/ImportBenchmark``.
/// 2. The same file imported end to end into a new SQLite database through the governance
///    service (parse, merge, batched upserts, audit event), again as a re-import, and one policy
///    evaluation with reconciliation over the database — what the server does.
/// 3. The default policy over a synthetic inventory, for the maintained and the neglected
///    profile — ``KeywardPolicy/PolicyBenchmark``.
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
            let measured = await Self.measure { PolicyBenchmark.run(items: items, profile: profile, now: now) }
            print(measured.value)
            print(measured.footer)
        }
    }

    /// The report imported into a fresh database twice, then one evaluation, through the service.
    private func storePhase(report: String, folder: String) async throws {
        let database = "\(folder)/keyward-bench-\(UUID().uuidString).db"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        var logger = Logger(label: "keyward.bench")
        logger.logLevel = .warning
        let store = try await SQLStore.openSQLite(path: database, logger: logger)
        let clock = SystemClock()
        let service = GovernanceService(store: store, keys: KeyService(store: store, lifecycle: try KeyLifecycle(), clock: clock) { _ in },
                                        clock: clock, logger: logger)
        print("import into a database (SQLite, end to end through the governance service):")
        for pass in ["first import", "re-import"] {
            let measured = try await Self.measure {
                try await service.importFile(kind: .awsCredentialReport, path: report, fileName: "credential-report.csv", by: .system("bench"))
            }
            let summary = measured.value.summary
            print("  \(pass): \(measured.wall) s wall, \(measured.cpu) s CPU, peak \(measured.peak); created \(summary.created), "
                  + "updated \(summary.updated), unchanged \(summary.unchanged), rejected \(summary.rejected)")
        }
        let evaluation = try await Self.measure { try await service.evaluate(actor: "bench") }
        print("  evaluate + reconcile + store findings: \(evaluation.wall) s wall, \(evaluation.cpu) s CPU, peak \(evaluation.peak); "
              + "\(evaluation.value.items) records, \(evaluation.value.findings) findings, \(evaluation.value.opened) opened")
        try await store.close()
    }

    struct Measured<Value> {
        var value: Value
        var wall: String
        var cpu: String
        var peak: String

        var footer: String { "  wall \(wall) s, CPU, all phases: \(cpu) s, peak memory: \(peak)" }
    }

    static func measure<Value>(_ body: () async throws -> Value) async rethrows -> Measured<Value> {
        ProcessUsage.resetPeak()
        let cpu = ProcessUsage.cpuSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await body()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measured(value: value, wall: String(format: "%.2f", seconds), cpu: String(format: "%.2f", ProcessUsage.cpuSeconds() - cpu),
                        peak: ProcessUsage.peakBytes().map { "\($0 / 1_048_576) MiB" } ?? "n/a")
    }
}
