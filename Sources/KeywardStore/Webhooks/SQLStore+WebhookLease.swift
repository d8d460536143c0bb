import KeywardCore
import SQLKit

/// The dispatcher lease: one row in `webhook_dispatch` naming the node that sends deliveries.
extension SQLStore {
    /// Takes or renews the dispatcher lease for `holder` until `now + ttl`. True when `holder`
    /// dispatches: only one node at a time sends, so per-subject order holds across nodes.
    public func acquireWebhookLease(holder: String, now: Timestamp, ttlMilliseconds: Int64) async throws -> Bool {
        // A node waiting for another's lease only reads: polling with writes would compete for
        // SQLite's single write lock with every other writer on the file.
        let available = try await backend.read { db in
            try await db.raw("SELECT holder, lease_until FROM webhook_dispatch WHERE id = 1").first().map { row in
                let current = try row.decode(column: "holder", as: String?.self)
                let until = try row.decode(column: "lease_until", as: Int64.self)
                return current == nil || current == holder || until < now.millisecondsSinceEpoch
            }
        }
        guard available ?? false else { return false }
        return try await backend.write { db in
            let rows = try await db.raw("""
                UPDATE webhook_dispatch SET holder = \(bind: holder), lease_until = \(bind: now.millisecondsSinceEpoch + ttlMilliseconds) \
                WHERE id = 1 AND (holder IS NULL OR holder = \(bind: holder) OR lease_until < \(bind: now.millisecondsSinceEpoch)) RETURNING holder
                """).all()
            return !rows.isEmpty
        }
    }

    /// Gives the lease up at shutdown so another node takes over at once.
    public func releaseWebhookLease(holder: String) async throws {
        try await backend.write { db in
            try await db.raw("UPDATE webhook_dispatch SET holder = NULL, lease_until = 0 WHERE id = 1 AND holder = \(bind: holder)").run()
        }
    }
}
