import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardStore
import Logging

/// The end-to-end phase of `keyward bench governance`: a credential report imported into a new
/// SQLite database through the governance service (parse, merge, batched upserts, audit event),
/// again as a re-import, then one policy evaluation with reconciliation over the database — what
/// the server does. The database is a file of its own, removed by ``close()``.
public final class GovernanceStoreBenchmark: Sendable {
    public let database: String
    let store: SQLStore
    let service: GovernanceService

    /// Opens a fresh database in `folder`.
    public init(folder: String) async throws {
        database = "\(folder)/keyward-bench-\(UUID().uuidString).db"
        var logger = Logger(label: "keyward.bench")
        logger.logLevel = .warning
        store = try await SQLStore.openSQLite(path: database, logger: logger)
        let clock = SystemClock()
        service = GovernanceService(store: store, keys: KeyService(store: store, lifecycle: try KeyLifecycle(), clock: clock) { _ in },
                                    clock: clock, logger: logger)
    }

    /// Imports the credential report at `path` (first import, or a re-import over the result).
    public func importReport(_ path: String) async throws -> Measured<ImportSummary> {
        try await Measured.run {
            try await service.importFile(kind: .awsCredentialReport, path: path, fileName: "credential-report.csv", by: .system("bench")).summary
        }
    }

    /// Evaluates the default policy over the database and stores the findings.
    public func evaluate() async throws -> Measured<EvaluationSummary> {
        try await Measured.run { try await service.evaluate(actor: "bench") }
    }

    /// Closes the store and deletes the database.
    public func close() async throws {
        defer { BenchmarkFiles.removeDatabase(database) }
        try await store.close()
    }
}
