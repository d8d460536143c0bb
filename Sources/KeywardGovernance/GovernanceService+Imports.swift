import Foundation
import KeywardCore
import KeywardImport
import KeywardStore

/// What an import did: its run id (in `import_runs` and the audit log) and the importer's
/// summary with every rejection.
public struct ImportOutcome: Sendable {
    public var runID: String
    public var summary: ImportSummary
}

extension GovernanceService {
    /// Imports one export file: reads it with the streaming importer, merges it into the stored
    /// inventory, and writes the changed records, the import's own findings, the run and its
    /// audit event (counts, kind and file name; never content) in one transaction. A file that
    /// cannot be read at all throws ``KeywardImport/ImportError`` and nothing is written.
    ///
    /// `fileName` is what rejections and the audit event call the file (the name the user gave,
    /// not the temporary file an upload was spooled to).
    public func importFile(kind: ImportKind, path: String, fileName: String, by principal: Principal,
                           options: ImportOptions = ImportOptions()) async throws -> ImportOutcome {
        let outcome = try await serial.withLock {
            let started = clock.now()
            let providers = Self.providers(of: kind)
            let existing = try await store.governanceRead { sql in try await sql.records(providers: providers) }
            let result = try await Offload.run {
                var source = try FileByteSource(path: path)
                return try Importer.run(kind: kind, source: &source, fileName: fileName, existing: existing, now: started, options: options)
            }
            return try await write(result, kind: kind, fileName: fileName, started: started, by: principal)
        }
        changes.signal()
        return outcome
    }

    private func write(_ result: ImportResult, kind: ImportKind, fileName: String, started: Timestamp, by principal: Principal) async throws -> ImportOutcome {
        let summary = result.summary
        let runID = StableIdentifier.make(prefix: "imp_", parts: [kind.rawValue, fileName, String(started.millisecondsSinceEpoch),
                                                                  String(UInt64.random(in: 0...UInt64.max))], length: 20)
        let baseName = String(fileName.split(separator: "/").last ?? Substring(fileName))
        let stored = Array(summary.rejections.prefix(GovernanceSQL.storedRejectionLimit))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let rejectionsJSON = String(decoding: try encoder.encode(stored), as: UTF8.self)
        let clock = self.clock
        try await store.governanceWrite { sql in
            let now = clock.now()
            try await sql.upsertRecords(result.records, at: now)
            try await sql.touchRecords(naturalKeys: result.unchangedKeys, at: now)
            let previous = try await sql.findings(source: .importer)
            let reconciled = FindingReconciler.reconcile(previous: previous, evaluated: result.findings, now: now, scope: result.isInFindingScope)
            try await sql.upsertFindings(reconciled.findings, source: .importer, at: now)
            try await sql.appendTransitions(reconciled.transitions, actor: principal.id)
            try await sql.insertImportRun(ImportRunRow(
                id: runID, kind: kind.rawValue, file: baseName, actor: principal.id, startedAt: started, finishedAt: now,
                created: summary.created, updated: summary.updated, unchanged: summary.unchanged, disappeared: summary.disappeared,
                skipped: summary.skipped, rejected: summary.rejected, findings: summary.findingCount, rejectionsJSON: rejectionsJSON))
            var details: [String: JSONValue] = [
                "kind": .string(kind.rawValue), "file": .string(baseName), "created": .number(Double(summary.created)),
                "updated": .number(Double(summary.updated)), "unchanged": .number(Double(summary.unchanged)),
                "disappeared": .number(Double(summary.disappeared)), "skipped": .number(Double(summary.skipped)),
                "rejected": .number(Double(summary.rejected)), "findings": .number(Double(summary.findingCount)),
            ]
            if let address = principal.address { details["source_address"] = .string(address) }
            try await sql.audit([AuditDraft(actor: principal.id, action: "inventory.imported", subjectKind: "import", subjectID: runID, details: details)],
                                at: now)
        }
        logger.info("import finished", metadata: [
            "kind": .string(kind.rawValue), "file": .string(baseName), "created": .stringConvertible(summary.created),
            "updated": .stringConvertible(summary.updated), "unchanged": .stringConvertible(summary.unchanged),
            "rejected": .stringConvertible(summary.rejected),
        ])
        return ImportOutcome(runID: runID, summary: summary)
    }

    /// The stored records an import of `kind` can match: the merge only needs its provider's
    /// (nil: all, for the generic formats, whose rows name any provider).
    static func providers(of kind: ImportKind) -> Set<InventoryProvider>? {
        switch kind {
        case .awsCredentialReport, .awsAccessKeys, .awsSecretsManager: return [.aws]
        case .gcpKeys: return [.gcp]
        case .githubPATs: return [.github]
        case .csv, .json: return nil
        }
    }

    /// The latest imports, newest first.
    public func importRuns(limit: Int = 50) async throws -> [ImportRunRow] {
        guard (1...1000).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 1000, got \(limit)") }
        return try await store.governanceRead { sql in try await sql.importRuns(limit: limit) }
    }
}
