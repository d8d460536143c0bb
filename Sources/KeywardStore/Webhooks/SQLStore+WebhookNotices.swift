import KeywardCore
import SQLKit

/// Events that time alone causes: `key.expiring` N days before a key's `expires_at`, and
/// `review.overdue` when an open access review passes its due date. Each is written as an audit
/// event once per subject and due time: `webhook_notices` has that pair as its primary key and
/// the audit event is appended only for rows the insert actually added, in the same
/// transaction — so a restart, a second scheduler on another node, or two nodes at the same
/// moment (PostgreSQL makes the second insert wait, then skip) never write it twice.
extension SQLStore {
    public static let schedulerActor = "keyward:scheduler"
    static let noticeBatch = 500

    /// Writes `key.expiring` for keys (not revoked, not disabled, not already replaced by a
    /// rotation) that expire within `withinDays` days of `now` and have not had one for this
    /// expiry. Returns how many were written.
    public func emitExpiringKeyEvents(now: Timestamp, withinDays days: Int) async throws -> Int {
        let flavor = backend.flavor
        let horizon = now.adding(seconds: Int64(days) * 86_400)
        // Candidates are found on the reader, so a scheduler with nothing to write takes no
        // write lock; the insert below decides which are still new.
        let rows = try await backend.read { db in
            try await db.raw("""
                SELECT id, name, owner, environment, expires_at FROM keys k WHERE state = 'active' AND disabled = 0 AND rotated_to IS NULL \
                AND expires_at > \(bind: now.millisecondsSinceEpoch) AND expires_at <= \(bind: horizon.millisecondsSinceEpoch) \
                AND NOT EXISTS (SELECT 1 FROM webhook_notices n WHERE n.kind = 'key.expiring' AND n.subject_id = k.id AND n.due_at = k.expires_at) \
                ORDER BY expires_at LIMIT \(bind: Self.noticeBatch)
                """).all()
        }
        guard !rows.isEmpty else { return 0 }
        var candidates: [String: (expiresAt: Int64, details: [String: JSONValue])] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let expiresAt = try row.decode(column: "expires_at", as: Int64.self)
            let expiry = Timestamp(millisecondsSinceEpoch: expiresAt)
            candidates[id] = (expiresAt, [
                "name": .string(try row.decode(column: "name", as: String.self)), "owner": .string(try row.decode(column: "owner", as: String.self)),
                "environment": .string(try row.decode(column: "environment", as: String.self)), "expires_at": .string(expiry.iso8601),
                "days_left": .number(Double(max(0, expiry.seconds(since: now)) / 86_400)), "notice_days": .number(Double(days)),
            ])
        }
        let found = candidates
        return try await backend.write { db in
            let candidates = found
            let inserted = try await Self.insertNotices(kind: "key.expiring", candidates.map { ($0.key, $0.value.expiresAt) }, at: now, on: db)
            let drafts = inserted.sorted().compactMap { id -> AuditDraft? in
                guard let candidate = candidates[id] else { return nil }
                return AuditDraft(actor: Self.schedulerActor, action: "key.expiring", subjectKind: "key", subjectID: id, details: candidate.details)
            }
            _ = try await SQLStore.appendAudit(drafts, at: now, on: db, flavor: flavor)
            return drafts.count
        }
    }

    /// Writes `review.overdue` for open review campaigns past their due date, once per campaign
    /// and due date, with how many items are still unanswered.
    public func emitOverdueReviewEvents(now: Timestamp) async throws -> Int {
        let flavor = backend.flavor
        let rows = try await backend.read { db in
            try await db.raw("""
                SELECT c.id, c.name, c.due_at, (SELECT COUNT(*) FROM review_items i WHERE i.campaign_id = c.id AND i.decision IS NULL) AS unanswered \
                FROM review_campaigns c WHERE c.status = 'open' AND c.due_at <= \(bind: now.millisecondsSinceEpoch) \
                AND NOT EXISTS (SELECT 1 FROM webhook_notices n WHERE n.kind = 'review.overdue' AND n.subject_id = c.id AND n.due_at = c.due_at) \
                ORDER BY c.due_at LIMIT \(bind: Self.noticeBatch)
                """).all()
        }
        guard !rows.isEmpty else { return 0 }
        var candidates: [String: (dueAt: Int64, details: [String: JSONValue])] = [:]
        for row in rows {
            let dueAt = try row.decode(column: "due_at", as: Int64.self)
            candidates[try row.decode(column: "id", as: String.self)] = (dueAt, [
                "name": .string(try row.decode(column: "name", as: String.self)),
                "due_at": .string(Timestamp(millisecondsSinceEpoch: dueAt).iso8601),
                "unanswered": .number(Double(try row.decode(column: "unanswered", as: Int64.self))),
            ])
        }
        let found = candidates
        return try await backend.write { db in
            let candidates = found
            let inserted = try await Self.insertNotices(kind: "review.overdue", candidates.map { ($0.key, $0.value.dueAt) }, at: now, on: db)
            let drafts = inserted.sorted().compactMap { id -> AuditDraft? in
                guard let candidate = candidates[id] else { return nil }
                return AuditDraft(actor: Self.schedulerActor, action: "review.overdue", subjectKind: "review", subjectID: id, details: candidate.details)
            }
            _ = try await SQLStore.appendAudit(drafts, at: now, on: db, flavor: flavor)
            return drafts.count
        }
    }

    /// Inserts notices, skipping those another transaction wrote; returns the subjects inserted.
    static func insertNotices(kind: String, _ notices: [(subject: String, dueAt: Int64)], at now: Timestamp, on db: any SQLDatabase) async throws -> [String] {
        var inserted: [String] = []
        for start in stride(from: 0, to: notices.count, by: 200) {
            let rows: [SQLQueryString] = notices[start..<min(start + 200, notices.count)].map {
                "(\(bind: kind), \(bind: $0.subject), \(bind: $0.dueAt), \(bind: now.millisecondsSinceEpoch))"
            }
            let returned = try await db.raw("""
                INSERT INTO webhook_notices (kind, subject_id, due_at, emitted_at) VALUES \(rows.joined(separator: ", ")) \
                ON CONFLICT (kind, subject_id, due_at) DO NOTHING RETURNING subject_id
                """).all()
            inserted += try returned.map { try $0.decode(column: "subject_id", as: String.self) }
        }
        return inserted
    }
}
