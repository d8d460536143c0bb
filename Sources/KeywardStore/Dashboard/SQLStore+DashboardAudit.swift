import KeywardCore
import SQLKit

extension SQLStore {
    /// Audit events newest first, optionally of one action and/or about one subject, before a
    /// sequence number (the dashboard's audit browser; `audit_action` indexes the action).
    public func dashboardAuditEvents(action: String?, subjectID: String?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        guard (1...500).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 500, got \(limit)") }
        return try await backend.read { db in
            var conditions: [SQLQueryString] = []
            if let action { conditions.append("action = \(bind: action)") }
            if let subjectID { conditions.append("subject_id = \(bind: subjectID)") }
            if let before { conditions.append("seq < \(bind: before)") }
            let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try await db.raw("SELECT \(unsafeRaw: Self.auditColumns) FROM audit_events\(whereClause) ORDER BY seq DESC LIMIT \(bind: limit)")
                .all().map(Self.decodeAudit)
        }
    }
}
