import KeywardCore
import SQLKit

/// The owner registry: one row per handle, unique case-insensitively (`Alice` and `alice` are
/// one owner, as ``KeywardCore/OwnerRegistry`` reads them).
extension GovernanceSQL {
    static let ownerColumns = "handle, kind, display_name, contact, status, departed_at, aliases"

    public func owner(handle: String) async throws -> OwnerEntry? {
        try await db.raw("SELECT \(unsafeRaw: Self.ownerColumns) FROM owners WHERE handle_folded = \(bind: OwnerHandle.folded(handle))\(unsafeRaw: lockClause)")
            .first().map(Self.decodeOwner)
    }

    public func owners(status: OwnerEntry.Status? = nil) async throws -> [OwnerEntry] {
        let condition: SQLQueryString = status.map { " WHERE status = \(bind: $0.rawValue)" } ?? ""
        return try await db.raw("SELECT \(unsafeRaw: Self.ownerColumns) FROM owners\(condition) ORDER BY handle_folded").all().map(Self.decodeOwner)
    }

    /// Inserts a new owner or replaces the one with the same handle (any case).
    public func saveOwner(_ owner: OwnerEntry, at now: Timestamp) async throws {
        let at = now.millisecondsSinceEpoch
        try await db.raw("""
            INSERT INTO owners (handle_folded, \(unsafeRaw: Self.ownerColumns), created_at, updated_at) VALUES (\
            \(bind: OwnerHandle.folded(owner.handle)), \(bind: owner.handle), \(bind: owner.kind.rawValue), \(bind: owner.displayName), \
            \(bind: owner.contact), \(bind: owner.status.rawValue), \(bind: owner.departedAt?.millisecondsSinceEpoch), \
            \(bind: KeyRow.json(owner.aliases)), \(bind: at), \(bind: at)) \
            ON CONFLICT (handle_folded) DO UPDATE SET handle = excluded.handle, kind = excluded.kind, display_name = excluded.display_name, \
            contact = excluded.contact, status = excluded.status, departed_at = excluded.departed_at, aliases = excluded.aliases, \
            updated_at = excluded.updated_at
            """).run()
    }

    static func decodeOwner(_ row: any SQLRow) throws -> OwnerEntry {
        OwnerEntry(
            handle: try row.text("handle"), kind: try row.enumeration("kind", as: OwnerEntry.Kind.self),
            displayName: try row.optionalText("display_name"), contact: try row.optionalText("contact"),
            status: try row.enumeration("status", as: OwnerEntry.Status.self), departedAt: try row.optionalTimestamp("departed_at"),
            aliases: try ColumnJSON.strings(try row.text("aliases"), column: "aliases")
        )
    }
}
