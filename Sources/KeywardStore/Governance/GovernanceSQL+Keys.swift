import KeywardCore
import SQLKit

/// What governance writes on keyward's own keys and on the settings table. Life-cycle changes
/// (revocations) go through ``KeyService``; these are the governance-only facts.
extension GovernanceSQL {
    /// Records an owner's review of a keyward key as `meta.reviewed_at` (ISO 8601), where
    /// ``KeywardCore/InventoryItem/init(key:now:)`` reads it. Moves only forward; returns the
    /// key when it changed.
    @discardableResult
    public func markKeyReviewed(id: KeyID, at time: Timestamp, now: Timestamp) async throws -> KeyRecord? {
        guard var record = try await SQLStore.key(id: id, on: db, lock: true, flavor: flavor) else { return nil }
        let previous = record.meta[InventoryItem.MetaKey.reviewedAt]?.stringValue.flatMap { Timestamp(iso8601: $0) }
        if let previous, previous >= time { return nil }
        record.meta[InventoryItem.MetaKey.reviewedAt] = .string(time.iso8601)
        try await db.raw("""
            UPDATE keys SET meta = \(bind: KeyRow.json(record.meta)), updated_at = \(bind: now.millisecondsSinceEpoch) WHERE id = \(bind: id.description)
            """).run()
        return record
    }

    public func setting(_ name: String) async throws -> String? {
        try await SQLStore.setting(name, on: db)
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        try await SQLStore.setSetting(name, value, on: db)
    }
}
