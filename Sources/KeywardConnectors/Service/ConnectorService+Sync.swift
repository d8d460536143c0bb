import Foundation
import KeywardCore
import KeywardGovernance
import KeywardImport

/// What one sync did.
public struct ConnectorSyncOutcome: Sendable {
    public var connector: String
    public var kind: ConnectorKind
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var succeeded: Bool
    /// Requests made at the provider, retries included.
    public var requests: Int
    /// One per document written (empty when the sync failed).
    public var imports: [ImportOutcome]
    /// What failed, when the sync failed; the previous inventory was left as it was.
    public var failures: [String]
    /// Net changes to the inventory (documents that overlap count once).
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var disappeared = 0
    public var rejected = 0
}

extension ConnectorService {
    /// Syncs connector `name` now. Throws `KeywardError.conflict` when another node (or request)
    /// is syncing it; a provider failure is an outcome with `succeeded == false`, not an error.
    public func sync(name: String, by principal: Principal) async throws -> ConnectorSyncOutcome {
        let declaration = try declaration(named: name)
        let started = governance.clock.now()
        guard try await governance.store.claimConnectorSync(name: name, holder: holder, now: started, ttlMilliseconds: Self.leaseMilliseconds) else {
            throw KeywardError.conflict("connector \(name) is being synced already; try again when it finishes")
        }
        return await run(declaration, started: started, by: principal)
    }

    /// Syncs every connector with a `sync_interval` whose last sync started at least that long
    /// ago and that no node is syncing; the server's scheduler calls this. Returns the outcomes
    /// of the syncs it ran.
    public func syncDue(by principal: Principal = Principal(id: "keyward:scheduler", scopes: [])) async -> [ConnectorSyncOutcome] {
        var outcomes: [ConnectorSyncOutcome] = []
        for declaration in declarations {
            guard let interval = declaration.syncIntervalSeconds else { continue }
            let started = governance.clock.now()
            do {
                guard try await governance.store.claimConnectorSync(name: declaration.name, holder: holder, now: started,
                                                                    ttlMilliseconds: Self.leaseMilliseconds, minimumGapMilliseconds: interval * 1000)
                else { continue }
            } catch {
                logger.warning("connector sync lease unavailable", metadata: ["connector": .string(declaration.name), "error": .string("\(error)")])
                continue
            }
            outcomes.append(await run(declaration, started: started, by: principal))
        }
        return outcomes
    }

    /// Runs one sync whose lease this node holds, and always gives the lease back.
    private func run(_ declaration: ConnectorDeclaration, started: Timestamp, by principal: Principal) async -> ConnectorSyncOutcome {
        var outcome = ConnectorSyncOutcome(connector: declaration.name, kind: declaration.kind, startedAt: started, finishedAt: started,
                                           succeeded: false, requests: 0, imports: [], failures: [])
        do {
            let connector = try connector(for: declaration)
            let snapshot = try await connector.snapshot()
            outcome.requests = snapshot.requests
            let source = declaration.sourceName
            let facts = snapshot.facts
            let requests = snapshot.requests
            let name = declaration.name
            let kind = declaration.kind
            let batch = try await governance.importDocuments(snapshot.documents, connector: name, by: principal, adjust: { record in
                var next = record.externalID.flatMap { facts[$0] }?.applied(to: record) ?? record
                if !next.sources.contains(source) { next.sources = (next.sources + [source]).sorted() }
                return next
            }, closing: { batch in
                AuditDraft(actor: principal.id, action: "connector.synced", subjectKind: "connector", subjectID: name, details: [
                    "connector": .string(name), "kind": .string(kind.rawValue), "requests": .number(Double(requests)),
                    "imports": .array(batch.imports.map { .string($0.runID) }), "created": .number(Double(batch.created)),
                    "updated": .number(Double(batch.updated)), "unchanged": .number(Double(batch.unchanged)),
                    "disappeared": .number(Double(batch.disappeared)), "rejected": .number(Double(batch.rejected)),
                ])
            })
            outcome.imports = batch.imports
            outcome.created = batch.created
            outcome.updated = batch.updated
            outcome.unchanged = batch.unchanged
            outcome.disappeared = batch.disappeared
            outcome.rejected = batch.rejected
            outcome.succeeded = true
        } catch {
            outcome.failures = (error as? ConnectorError)?.failures ?? ["\(error)"]
            logger.warning("connector sync failed", metadata: ["connector": .string(declaration.name), "failures": .string(outcome.failures.prefix(5).joined(separator: "; "))])
            let failures = outcome.failures
            let requests = outcome.requests
            let failedAt = governance.clock.now()
            _ = try? await governance.store.governanceWrite { sql in
                try await sql.audit([AuditDraft(actor: principal.id, action: "connector.sync_failed", subjectKind: "connector", subjectID: declaration.name, details: [
                    "connector": .string(declaration.name), "kind": .string(declaration.kind.rawValue), "requests": .number(Double(requests)),
                    "failures": .array(failures.prefix(20).map { .string(String($0.prefix(300))) }), "failure_count": .number(Double(failures.count)),
                ])], at: failedAt)
            }
        }
        outcome.finishedAt = governance.clock.now()
        let summary = Self.summaryJSON(outcome)
        do {
            try await governance.store.finishConnectorSync(name: declaration.name, holder: holder, at: outcome.finishedAt, succeeded: outcome.succeeded,
                                                           requests: outcome.requests, summary: summary)
        } catch {
            logger.error("could not record a connector sync", metadata: ["connector": .string(declaration.name), "error": .string("\(error)")])
        }
        return outcome
    }

    static func summaryJSON(_ outcome: ConnectorSyncOutcome) -> String {
        var object: [String: JSONValue] = [
            "created": .number(Double(outcome.created)), "updated": .number(Double(outcome.updated)),
            "disappeared": .number(Double(outcome.disappeared)), "rejected": .number(Double(outcome.rejected)),
        ]
        if !outcome.failures.isEmpty { object["failures"] = .array(outcome.failures.prefix(20).map { .string(String($0.prefix(300))) }) }
        return JSONValue.object(object).canonicalJSON
    }
}
