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

/// What importing several documents as one change did: each document's run, and the net
/// counts against the stored inventory.
public struct ImportBatchOutcome: Sendable {
    public var imports: [ImportOutcome]
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var disappeared: Int
    public var rejected: Int
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

    /// Imports several documents as one change (what a connector read at its provider, see
    /// ``KeywardImport/Importer/run(documents:existing:now:options:adjust:)``): one transaction
    /// with every document's import run and `inventory.imported` event (their details name
    /// `connector`), the merged records, the reconciled import findings, and `closing` — the
    /// caller's own audit event (`connector.synced`), written with the same time and actor.
    public func importDocuments(_ documents: [ImportDocument], connector: String, by principal: Principal,
                                options: ImportOptions = ImportOptions(),
                                adjust: @escaping @Sendable (InventoryRecord) -> InventoryRecord = { $0 },
                                closing: @escaping @Sendable (ImportBatchOutcome) -> AuditDraft) async throws -> ImportBatchOutcome {
        let outcome = try await serial.withLock {
            let started = clock.now()
            var providers: Set<InventoryProvider>? = []
            for document in documents {
                if let own = Self.providers(of: document.kind), let known = providers { providers = known.union(own) } else { providers = nil }
            }
            let scope = providers
            let existing = try await store.governanceRead { sql in try await sql.records(providers: scope) }
            let batch = try await Offload.run {
                try Importer.run(documents: documents, existing: existing, now: started, options: options, adjust: adjust)
            }
            let runs = zip(documents, batch.results).map { ImportRunPart(summary: $1.summary, kind: $0.kind, fileName: $0.name) }
            var net = ImportBatchOutcome(imports: [], created: batch.created, updated: batch.updated, unchanged: batch.unchangedKeys.count,
                                         disappeared: batch.disappeared, rejected: batch.rejected)
            let counts = net
            net.imports = try await write(runs, records: batch.records, unchangedKeys: batch.unchangedKeys, findings: batch.findings,
                                          inScope: batch.isInFindingScope, started: started, by: principal,
                                          extra: ["connector": .string(connector)], closing: { imports in
                                              var outcome = counts
                                              outcome.imports = imports
                                              return closing(outcome)
                                          })
            return net
        }
        changes.signal()
        return outcome
    }

    private func write(_ result: ImportResult, kind: ImportKind, fileName: String, started: Timestamp, by principal: Principal) async throws -> ImportOutcome {
        let outcomes = try await write([ImportRunPart(summary: result.summary, kind: kind, fileName: fileName)], records: result.records,
                                       unchangedKeys: result.unchangedKeys, findings: result.findings, inScope: result.isInFindingScope,
                                       started: started, by: principal, extra: [:], closing: nil)
        return outcomes[0]
    }

    private struct ImportRunPart: Sendable {
        var summary: ImportSummary
        var kind: ImportKind
        var fileName: String
    }

    private func write(_ parts: [ImportRunPart], records: [InventoryRecord], unchangedKeys: [String], findings: [Finding],
                       inScope: @escaping @Sendable (Finding) -> Bool, started: Timestamp, by principal: Principal,
                       extra: [String: JSONValue], closing: (@Sendable ([ImportOutcome]) -> AuditDraft)?) async throws -> [ImportOutcome] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rows: [(row: ImportRunRow, details: [String: JSONValue])] = []
        for part in parts {
            let summary = part.summary
            let runID = StableIdentifier.make(prefix: "imp_", parts: [part.kind.rawValue, part.fileName, String(started.millisecondsSinceEpoch),
                                                                      String(UInt64.random(in: 0...UInt64.max))], length: 20)
            let baseName = String(part.fileName.split(separator: "/").last ?? Substring(part.fileName))
            let stored = Array(summary.rejections.prefix(GovernanceSQL.storedRejectionLimit))
            let rejectionsJSON = String(decoding: try encoder.encode(stored), as: UTF8.self)
            let row = ImportRunRow(
                id: runID, kind: part.kind.rawValue, file: baseName, actor: principal.id, startedAt: started, finishedAt: started,
                created: summary.created, updated: summary.updated, unchanged: summary.unchanged, disappeared: summary.disappeared,
                skipped: summary.skipped, rejected: summary.rejected, findings: summary.findingCount, rejectionsJSON: rejectionsJSON)
            var details: [String: JSONValue] = [
                "kind": .string(part.kind.rawValue), "file": .string(baseName), "created": .number(Double(summary.created)),
                "updated": .number(Double(summary.updated)), "unchanged": .number(Double(summary.unchanged)),
                "disappeared": .number(Double(summary.disappeared)), "skipped": .number(Double(summary.skipped)),
                "rejected": .number(Double(summary.rejected)), "findings": .number(Double(summary.findingCount)),
            ]
            details.merge(extra) { _, new in new }
            if let address = principal.address { details["source_address"] = .string(address) }
            rows.append((row, details))
        }
        let outcomes = zip(rows, parts).map { ImportOutcome(runID: $0.row.id, summary: $1.summary) }
        let closingDraft = closing?(outcomes)
        let clock = self.clock
        let prepared = rows
        try await store.governanceWrite { sql in
            let now = clock.now()
            try await sql.upsertRecords(records, at: now)
            try await sql.touchRecords(naturalKeys: unchangedKeys, at: now)
            let previous = try await sql.findings(source: .importer)
            let reconciled = FindingReconciler.reconcile(previous: previous, evaluated: findings, now: now, scope: inScope)
            try await sql.upsertFindings(reconciled.findings, source: .importer, at: now)
            try await sql.appendTransitions(reconciled.transitions, actor: principal.id)
            var drafts: [AuditDraft] = []
            for (row, details) in prepared {
                var row = row
                row.finishedAt = now
                try await sql.insertImportRun(row)
                drafts.append(AuditDraft(actor: principal.id, action: "inventory.imported", subjectKind: "import", subjectID: row.id, details: details))
            }
            if let closingDraft { drafts.append(closingDraft) }
            try await sql.audit(drafts, at: now)
        }
        for part in parts {
            let summary = part.summary
            logger.info("import finished", metadata: [
                "kind": .string(part.kind.rawValue), "file": .string(String(part.fileName.split(separator: "/").last ?? Substring(part.fileName))),
                "created": .stringConvertible(summary.created), "updated": .stringConvertible(summary.updated),
                "unchanged": .stringConvertible(summary.unchanged), "rejected": .stringConvertible(summary.rejected),
            ])
        }
        return outcomes
    }

    /// The stored records an import of `kind` can match: the merge only needs its provider's
    /// (nil: all, for the generic formats, whose rows name any provider).
    static func providers(of kind: ImportKind) -> Set<InventoryProvider>? {
        switch kind {
        case .awsCredentialReport, .awsAccessKeys, .awsSecretsManager: return [.aws]
        case .gcpKeys: return [.gcp]
        case .githubPATs: return [.github]
        case .openaiAPIKeys: return [.openai]
        case .anthropicAPIKeys: return [.anthropic]
        case .csv, .json: return nil
        }
    }

    /// The latest imports, newest first.
    public func importRuns(limit: Int = 50) async throws -> [ImportRunRow] {
        guard (1...1000).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 1000, got \(limit)") }
        return try await store.governanceRead { sql in try await sql.importRuns(limit: limit) }
    }
}
