import Foundation
import KeywardCore
import SQLKit

/// Mapping between ``KeywardCore/InventoryRecord`` and a row of `inventory_records`.
///
/// Every field of the record has its own column (lists and maps as JSON text), so that listing
/// and filtering happen in SQL and a record survives a round trip exactly. `owner_folded` holds
/// the owner in lower case: owners are matched case-insensitively everywhere.
enum InventoryRow {
    static let columns = """
        id, natural_key, provider, kind, external_id, identity, account, name, owner, owner_folded, purpose, system, \
        environments, scopes, created_at, last_rotated_at, last_used_at, last_used_service, last_used_region, expires_at, \
        reviewed_at, status, sources, tags, attributes, first_seen_at, last_seen_at, disappeared_at, updated_at
        """

    /// Columns an upsert replaces: all but the identifying ones.
    static let updatable = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { $0 != "id" && $0 != "natural_key" }

    static func values(_ record: InventoryRecord, at now: Timestamp) -> SQLQueryString {
        """
            (\(bind: record.id), \(bind: record.naturalKey), \(bind: record.provider.rawValue), \(bind: record.kind.rawValue), \
            \(bind: record.externalID), \(bind: record.identity), \(bind: record.account), \(bind: record.name), \(bind: record.owner), \
            \(bind: OwnerColumn.folded(record.owner)), \(bind: record.purpose), \(bind: record.system), \(bind: ColumnJSON.text(record.environments)), \
            \(bind: ColumnJSON.text(record.scopes)), \(bind: record.createdAt?.millisecondsSinceEpoch), \
            \(bind: record.lastRotatedAt?.millisecondsSinceEpoch), \(bind: record.lastUsedAt?.millisecondsSinceEpoch), \
            \(bind: record.lastUsedService), \(bind: record.lastUsedRegion), \(bind: record.expiresAt?.millisecondsSinceEpoch), \
            \(bind: record.reviewedAt?.millisecondsSinceEpoch), \(bind: record.status.rawValue), \(bind: ColumnJSON.text(record.sources)), \
            \(bind: ColumnJSON.text(record.tags)), \(bind: ColumnJSON.text(record.attributes)), \
            \(bind: record.firstSeenAt.millisecondsSinceEpoch), \(bind: record.lastSeenAt.millisecondsSinceEpoch), \
            \(bind: record.disappearedAt?.millisecondsSinceEpoch), \(bind: now.millisecondsSinceEpoch))
            """
    }

    static func decode(_ row: any SQLRow) throws -> InventoryRecord {
        InventoryRecord(
            naturalKey: try row.text("natural_key"),
            provider: try row.enumeration("provider", as: InventoryProvider.self),
            kind: try row.enumeration("kind", as: CredentialKind.self),
            externalID: try row.optionalText("external_id"), identity: try row.optionalText("identity"),
            account: try row.optionalText("account"), name: try row.optionalText("name"), owner: try row.optionalText("owner"),
            purpose: try row.optionalText("purpose"), system: try row.optionalText("system"),
            environments: try ColumnJSON.strings(try row.text("environments"), column: "environments"),
            scopes: try ColumnJSON.strings(try row.text("scopes"), column: "scopes"),
            createdAt: try row.optionalTimestamp("created_at"), lastRotatedAt: try row.optionalTimestamp("last_rotated_at"),
            lastUsedAt: try row.optionalTimestamp("last_used_at"), lastUsedService: try row.optionalText("last_used_service"),
            lastUsedRegion: try row.optionalText("last_used_region"), expiresAt: try row.optionalTimestamp("expires_at"),
            reviewedAt: try row.optionalTimestamp("reviewed_at"), status: try row.enumeration("status", as: InventoryStatus.self),
            sources: try ColumnJSON.strings(try row.text("sources"), column: "sources"),
            tags: try ColumnJSON.stringMap(try row.text("tags"), column: "tags"),
            attributes: try ColumnJSON.stringMap(try row.text("attributes"), column: "attributes"),
            firstSeenAt: try row.timestamp("first_seen_at"), lastSeenAt: try row.timestamp("last_seen_at"),
            disappearedAt: try row.optionalTimestamp("disappeared_at")
        )
    }
}
