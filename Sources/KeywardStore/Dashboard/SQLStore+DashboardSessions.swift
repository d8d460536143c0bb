import Foundation
import KeywardCore
import SQLKit

extension SQLStore {
    /// Stores a new session with its `dashboard.signed_in` audit event, and drops expired
    /// sessions on the way (sign-ins are rare, so this keeps the table small at no cost).
    public func createDashboardSession(_ session: DashboardSession, address: String?) async throws {
        let flavor = backend.flavor
        let scopes = KeyRow.json(session.scopes)
        try await backend.write { db in
            try await db.raw("DELETE FROM dashboard_sessions WHERE expires_at <= \(bind: session.createdAt.millisecondsSinceEpoch)").run()
            try await db.raw("""
                INSERT INTO dashboard_sessions (token_hash, key_id, key_hash, scopes, created_at, expires_at) VALUES
                (\(bind: session.tokenHash), \(bind: session.keyID.description), \(bind: session.keyHash.hex), \(bind: scopes),
                \(bind: session.createdAt.millisecondsSinceEpoch), \(bind: session.expiresAt.millisecondsSinceEpoch))
                """).run()
            var details: [String: JSONValue] = ["expires_at": .string(session.expiresAt.iso8601)]
            if let address { details["source_address"] = .string(address) }
            _ = try await Self.appendAudit(
                [AuditDraft(actor: session.keyID.description, action: "dashboard.signed_in", subjectKind: "key", subjectID: session.keyID.description, details: details)],
                at: session.createdAt, on: db, flavor: flavor)
        }
    }

    /// The session whose token hashes to `tokenHash`, if it exists and has not expired.
    public func dashboardSession(tokenHash: String, now: Timestamp) async throws -> DashboardSession? {
        let row = try await backend.read { db in
            try await db.raw("""
                SELECT token_hash, key_id, key_hash, scopes, created_at, expires_at FROM dashboard_sessions \
                WHERE token_hash = \(bind: tokenHash) AND expires_at > \(bind: now.millisecondsSinceEpoch)
                """).first()
        }
        guard let row else { return nil }
        let keyText = try row.text("key_id")
        guard let keyID = KeyID(keyText), let keyHash = KeyHash(hex: try row.text("key_hash")) else {
            throw StoreError.corrupt("dashboard session names an invalid key \"\(keyText.prefix(40))\"")
        }
        return DashboardSession(
            tokenHash: try row.text("token_hash"), keyID: keyID, keyHash: keyHash,
            scopes: try ColumnJSON.strings(try row.text("scopes"), column: "scopes"),
            createdAt: try row.timestamp("created_at"), expiresAt: try row.timestamp("expires_at"))
    }

    /// Ends a session (sign-out, or a session whose credential stopped verifying), with its
    /// audit event when the session existed.
    public func deleteDashboardSession(tokenHash: String, keyID: KeyID, reason: String, at now: Timestamp) async throws {
        let flavor = backend.flavor
        try await backend.write { db in
            let existing = try await db.raw("SELECT key_id FROM dashboard_sessions WHERE token_hash = \(bind: tokenHash)").first()
            guard existing != nil else { return }
            try await db.raw("DELETE FROM dashboard_sessions WHERE token_hash = \(bind: tokenHash)").run()
            _ = try await Self.appendAudit(
                [AuditDraft(actor: keyID.description, action: "dashboard.signed_out", subjectKind: "key", subjectID: keyID.description,
                            details: ["reason": .string(reason)])],
                at: now, on: db, flavor: flavor)
        }
    }

    public func dashboardSessionCount() async throws -> Int {
        try await backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM dashboard_sessions").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
