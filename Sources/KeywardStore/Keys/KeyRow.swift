import Foundation
import KeywardCore
import SQLKit

/// Mapping between `KeyRecord` and a row of the `keys` table. `owner_folded` (written, never
/// read back) is the owner as ``OwnerColumn`` compares it.
enum KeyRow {
    static let columns = """
        id, hash, name, owner, prefix, start, environment, scopes, state, disabled, created_at, updated_at, \
        expires_at, revoked_at, revoke_reason, last_used_at, use_count, meta, rate_limit_count, \
        rate_limit_window_seconds, allowed_cidrs, rotated_from, rotated_to, key_class
        """

    static func decode(_ row: any SQLRow) throws -> KeyRecord {
        func column<T: Decodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
            try row.decode(column: name, as: T.self)
        }
        func timestamp(_ name: String) throws -> Timestamp? {
            try column(name, Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        }
        let idText: String = try column("id")
        guard let id = KeyID(idText) else { throw StoreError.corrupt("key id \"\(idText.prefix(40))\" is not a key id") }
        let hashText: String = try column("hash")
        guard let hash = KeyHash(hex: hashText) else { throw StoreError.corrupt("key \(idText) has an invalid hash") }
        let stateText: String = try column("state")
        guard let state = KeyState(rawValue: stateText) else { throw StoreError.corrupt("key \(idText) has unknown state \(stateText)") }
        let decoder = JSONDecoder()
        let scopes = try decoder.decode([String].self, from: Data(try column("scopes", String.self).utf8))
        let meta = try decoder.decode([String: JSONValue].self, from: Data(try column("meta", String.self).utf8))
        let cidrs = try decoder.decode([CIDR].self, from: Data(try column("allowed_cidrs", String.self).utf8))
        var rateLimit: RateLimitPolicy?
        if let count = try column("rate_limit_count", Int?.self), let window = try column("rate_limit_window_seconds", Int?.self) {
            rateLimit = try RateLimitPolicy(limit: count, windowSeconds: window)
        }
        return KeyRecord(
            id: id, hash: hash, name: try column("name"), owner: try column("owner"), prefix: try column("prefix"),
            start: try column("start"), environment: try column("environment"), scopes: scopes, state: state,
            disabled: try column("disabled", Int.self) != 0,
            createdAt: Timestamp(millisecondsSinceEpoch: try column("created_at")),
            updatedAt: Timestamp(millisecondsSinceEpoch: try column("updated_at")),
            expiresAt: try timestamp("expires_at"), revokedAt: try timestamp("revoked_at"),
            revokeReason: try column("revoke_reason", String?.self), lastUsedAt: try timestamp("last_used_at"),
            useCount: try column("use_count"), meta: meta, rateLimit: rateLimit, allowedCIDRs: cidrs,
            rotatedFrom: try column("rotated_from", String?.self).flatMap(KeyID.init),
            rotatedTo: try column("rotated_to", String?.self).flatMap(KeyID.init),
            keyClass: try KeyClass(rawValue: column("key_class", String.self)) ?? .standard
        )
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func insert(_ record: KeyRecord, on db: any SQLDatabase) async throws {
        try await insert([record], on: db)
    }

    /// Inserts records with one multi-row statement.
    static func insert(_ records: [KeyRecord], on db: any SQLDatabase) async throws {
        guard !records.isEmpty else { return }
        let rows: [SQLQueryString] = records.map(values)
        try await db.raw("INSERT INTO keys (\(unsafeRaw: columns), owner_folded) VALUES \(rows.joined(separator: ", "))").run()
    }

    static func values(_ record: KeyRecord) -> SQLQueryString {
        """
            (\(bind: record.id.description), \(bind: record.hash.hex), \(bind: record.name), \(bind: record.owner),
            \(bind: record.prefix), \(bind: record.start), \(bind: record.environment), \(bind: json(record.scopes)),
            \(bind: record.state.rawValue), \(bind: record.disabled ? 1 : 0), \(bind: record.createdAt.millisecondsSinceEpoch),
            \(bind: record.updatedAt.millisecondsSinceEpoch), \(bind: record.expiresAt?.millisecondsSinceEpoch),
            \(bind: record.revokedAt?.millisecondsSinceEpoch), \(bind: record.revokeReason),
            \(bind: record.lastUsedAt?.millisecondsSinceEpoch), \(bind: record.useCount), \(bind: json(record.meta)),
            \(bind: record.rateLimit?.limit), \(bind: record.rateLimit?.windowSeconds), \(bind: json(record.allowedCIDRs)),
            \(bind: record.rotatedFrom?.description), \(bind: record.rotatedTo?.description), \(bind: record.keyClass.rawValue), \(bind: OwnerHandle.folded(record.owner)))
            """
    }

    /// Writes the mutable life-cycle columns of an existing key.
    static func updateLifecycle(_ record: KeyRecord, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE keys SET state = \(bind: record.state.rawValue), disabled = \(bind: record.disabled ? 1 : 0),
            updated_at = \(bind: record.updatedAt.millisecondsSinceEpoch), expires_at = \(bind: record.expiresAt?.millisecondsSinceEpoch),
            revoked_at = \(bind: record.revokedAt?.millisecondsSinceEpoch), revoke_reason = \(bind: record.revokeReason),
            rotated_to = \(bind: record.rotatedTo?.description)
            WHERE id = \(bind: record.id.description)
            """).run()
    }
}
