import Foundation
import KeywardCore
import SQLKit

/// The result of recomputing the audit chain.
public struct AuditVerification: Sendable {
    public var eventCount: Int64
    public var headSequence: Int64
    public var headHash: String
    /// The first problem, or nil when the chain is intact.
    public var problem: AuditChain.Problem?
}

extension SQLStore {
    static let auditColumns = "seq, occurred_at, actor, action, subject_kind, subject_id, details, prev_hash, hash"
    /// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
    static let auditBatchSize = 500

    /// Appends events to the chain inside the caller's transaction.
    static func appendAudit(_ drafts: [AuditDraft], at time: Timestamp, on db: any SQLDatabase, flavor: SQLFlavor) async throws -> [AuditEvent] {
        guard !drafts.isEmpty else { return [] }
        let lock = flavor == .postgres ? " FOR UPDATE" : ""
        guard let head = try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1\(unsafeRaw: lock)").first() else {
            throw StoreError.corrupt("audit_head row is missing")
        }
        var previous: (sequence: Int64, hash: String)? = nil
        let headSequence = try head.decode(column: "seq", as: Int64.self)
        if headSequence > 0 { previous = (headSequence, try head.decode(column: "hash", as: String.self)) }
        var events: [AuditEvent] = []
        events.reserveCapacity(drafts.count)
        for draft in drafts {
            let event = draft.sealed(after: previous, at: time)
            events.append(event)
            previous = (event.sequence, event.hash)
        }
        for batch in stride(from: 0, to: events.count, by: auditBatchSize) {
            let rows: [SQLQueryString] = events[batch..<min(batch + auditBatchSize, events.count)].map { event in
                """
                (\(bind: event.sequence), \(bind: event.occurredAt.millisecondsSinceEpoch), \(bind: event.actor), \(bind: event.action), \
                \(bind: event.subjectKind), \(bind: event.subjectID), \(bind: JSONValue.object(event.details).canonicalJSON), \
                \(bind: event.previousHash), \(bind: event.hash))
                """
            }
            try await db.raw("INSERT INTO audit_events (\(unsafeRaw: auditColumns)) VALUES \(rows.joined(separator: ", "))").run()
        }
        let last = events[events.count - 1]
        try await db.raw("UPDATE audit_head SET seq = \(bind: last.sequence), hash = \(bind: last.hash) WHERE id = 1").run()
        return events
    }

    static func decodeAudit(_ row: any SQLRow) throws -> AuditEvent {
        let detailsText = try row.decode(column: "details", as: String.self)
        let details = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(detailsText.utf8))) ?? ["unparseable": .string(detailsText)]
        return AuditEvent(
            sequence: try row.decode(column: "seq", as: Int64.self),
            occurredAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "occurred_at", as: Int64.self)),
            actor: try row.decode(column: "actor", as: String.self),
            action: try row.decode(column: "action", as: String.self),
            subjectKind: try row.decode(column: "subject_kind", as: String.self),
            subjectID: try row.decode(column: "subject_id", as: String.self),
            details: details,
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self)
        )
    }

    /// Appends events on their own (for actions that change nothing else, such as a scan report).
    public func appendAudit(_ drafts: [AuditDraft], at time: Timestamp) async throws -> [AuditEvent] {
        let flavor = backend.flavor
        return try await backend.write { db in try await Self.appendAudit(drafts, at: time, on: db, flavor: flavor) }
    }

    /// Events newest first, optionally about one subject, before a sequence number.
    public func auditEvents(subjectID: String? = nil, before: Int64? = nil, limit: Int = 100) async throws -> [AuditEvent] {
        guard (1...1000).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 1000, got \(limit)") }
        return try await backend.read { db in
            var conditions: [SQLQueryString] = []
            if let subjectID { conditions.append("subject_id = \(bind: subjectID)") }
            if let before { conditions.append("seq < \(bind: before)") }
            let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try await db.raw("SELECT \(unsafeRaw: Self.auditColumns) FROM audit_events\(whereClause) ORDER BY seq DESC LIMIT \(bind: limit)")
                .all().map(Self.decodeAudit)
        }
    }

    /// Recomputes the whole chain in sequence order, then checks that the head row points at its end.
    ///
    /// The chain is read in pages, each its own read, while the server goes on appending (usage anomalies,
    /// sweeps, other nodes). An append writes its events and moves the head in one transaction, so a head
    /// read after the events can only be at or ahead of the last event read: when it is ahead, the events
    /// committed since are read and checked too, until the head stops at the end of what was read. A head
    /// behind the last event, or one that names a different hash, is a cut or forged tail.
    public func verifyAuditChain(pageSize: Int = 5000) async throws -> AuditVerification {
        guard pageSize > 0 else { throw KeywardError.invalidArgument("pageSize must be positive, got \(pageSize)") }
        var chain = AuditChain()
        var after: Int64 = Int64.min
        var lastAtPreviousHeadRead: Int64? = nil
        while true {
            while true {
                let cursor = after
                let rows = try await backend.read { db in
                    try await db.raw("SELECT \(unsafeRaw: Self.auditColumns) FROM audit_events WHERE seq > \(bind: cursor) ORDER BY seq LIMIT \(bind: pageSize)").all()
                }
                for row in rows {
                    let event = try Self.decodeAudit(row)
                    if let problem = chain.append(event) {
                        return AuditVerification(eventCount: chain.count, headSequence: 0, headHash: "", problem: problem)
                    }
                    after = event.sequence
                }
                if rows.count < pageSize { break }
            }
            let head = try await backend.read { db in try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() }
            let headSequence = try head?.decode(column: "seq", as: Int64.self) ?? -1
            let headHash = try head?.decode(column: "hash", as: String.self) ?? ""
            let lastSequence = chain.last?.sequence ?? 0
            if headSequence > lastSequence, lastSequence != lastAtPreviousHeadRead {
                // Appended while we read: go on from where we stopped. A head still ahead after a pass
                // that found nothing new points past a cut tail.
                lastAtPreviousHeadRead = lastSequence
                continue
            }
            if headSequence != lastSequence || (chain.last.map { $0.hash != headHash } ?? false) {
                return AuditVerification(
                    eventCount: chain.count, headSequence: headSequence, headHash: headHash,
                    problem: .headMismatch(expectedSequence: headSequence, foundSequence: lastSequence)
                )
            }
            return AuditVerification(eventCount: chain.count, headSequence: headSequence, headHash: headHash, problem: nil)
        }
    }
}
