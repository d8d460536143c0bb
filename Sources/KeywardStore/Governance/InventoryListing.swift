import KeywardCore
import SQLKit

/// Which credentials `GET /v1/inventory` and `keyward inventory list` show.
public struct InventoryFilter: Sendable, Equatable {
    public var provider: InventoryProvider?
    /// Matched case-insensitively.
    public var owner: String?
    public var environment: String?
    public var status: InventoryStatus?
    public var limit: Int
    public var cursor: String?

    public static let defaultLimit = 50
    public static let maximumLimit = 1000

    public init(provider: InventoryProvider? = nil, owner: String? = nil, environment: String? = nil, status: InventoryStatus? = nil,
                limit: Int = InventoryFilter.defaultLimit, cursor: String? = nil) {
        self.provider = provider
        self.owner = owner
        self.environment = environment
        self.status = status
        self.limit = limit
        self.cursor = cursor
    }
}

/// One credential of the inventory: a keyward key or an imported record.
public enum InventoryEntry: Sendable {
    case key(KeyRecord)
    case record(InventoryRecord)
}

public struct InventoryPage: Sendable {
    public var entries: [InventoryEntry]
    public var nextCursor: String?
}

/// The one view of keyward's keys and the external records: keys first, then records, each in
/// the order they were added. The cursor names the table and the last row's sequence number, so
/// pages stay stable while keys are issued or files imported.
enum InventoryCursor: Equatable {
    case keys(after: Int64)
    case records(after: Int64)

    var text: String {
        switch self {
        case .keys(let seq): return "k" + Base62.encode(UInt64(seq), width: 11)
        case .records(let seq): return "r" + Base62.encode(UInt64(seq), width: 11)
        }
    }

    init(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, let value = Base62.decode(bytes[1...], as: UInt64.self), value <= UInt64(Int64.max) else {
            throw KeywardError.invalidArgument("cursor is not one this server returned")
        }
        switch bytes[0] {
        case UInt8(ascii: "k"): self = .keys(after: Int64(value))
        case UInt8(ascii: "r"): self = .records(after: Int64(value))
        default: throw KeywardError.invalidArgument("cursor is not one this server returned")
        }
    }
}

extension SQLStore {
    public func inventoryPage(_ filter: InventoryFilter, now: Timestamp) async throws -> InventoryPage {
        guard (1...InventoryFilter.maximumLimit).contains(filter.limit) else {
            throw KeywardError.invalidArgument("limit must be between 1 and \(InventoryFilter.maximumLimit), got \(filter.limit)")
        }
        let start = try filter.cursor.map(InventoryCursor.init) ?? .keys(after: 0)
        let includeKeys = filter.provider == nil || filter.provider == .keyward
        let includeRecords = filter.provider != .keyward
        return try await backend.read { db in
            var entries: [InventoryEntry] = []
            var cursor = start
            if case .keys(let after) = cursor {
                if includeKeys {
                    let rows = try await db.raw("""
                        SELECT seq, \(unsafeRaw: KeyRow.columns) FROM keys WHERE seq > \(bind: after)\(Self.keyConditions(filter, now: now)) \
                        ORDER BY seq LIMIT \(bind: filter.limit + 1)
                        """).all()
                    for row in rows.prefix(filter.limit) { entries.append(.key(try KeyRow.decode(row))) }
                    if rows.count > filter.limit, let last = rows.prefix(filter.limit).last {
                        return InventoryPage(entries: entries, nextCursor: InventoryCursor.keys(after: try last.integer("seq")).text)
                    }
                }
                cursor = .records(after: 0)
            }
            guard includeRecords, case .records(let after) = cursor else { return InventoryPage(entries: entries, nextCursor: nil) }
            // When the keys filled the page, one row is still read to know whether records follow.
            let room = filter.limit - entries.count
            let rows = try await db.raw("""
                SELECT seq, \(unsafeRaw: InventoryRow.columns) FROM inventory_records WHERE seq > \(bind: after)\(Self.recordConditions(filter, now: now)) \
                ORDER BY seq LIMIT \(bind: room + 1)
                """).all()
            for row in rows.prefix(room) { entries.append(.record(try InventoryRow.decode(row))) }
            guard rows.count > room else { return InventoryPage(entries: entries, nextCursor: nil) }
            let last = try rows.prefix(room).last.map { try $0.integer("seq") } ?? after
            return InventoryPage(entries: entries, nextCursor: InventoryCursor.records(after: last).text)
        }
    }

    static func keyConditions(_ filter: InventoryFilter, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = []
        if let owner = filter.owner { conditions.append(OwnerColumn.matches(owner)) }
        if let environment = filter.environment { conditions.append("environment = \(bind: environment)") }
        if let status = filter.status {
            // Keys share every status name but `disappeared`, which only imports set.
            conditions.append(KeyStatus(rawValue: status.rawValue).map { condition(for: $0, now: now) } ?? "1 = 0")
        }
        return conditions.reduce("") { $0 + " AND " + $1 }
    }

    /// The SQL form of ``KeywardCore/InventoryItem/init(record:now:)``'s status: a live record
    /// past its `expires_at` reads `expired`.
    static func recordConditions(_ filter: InventoryFilter, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = []
        if let provider = filter.provider { conditions.append("provider = \(bind: provider.rawValue)") }
        if let owner = filter.owner { conditions.append(OwnerColumn.matches(owner)) }
        if let environment = filter.environment {
            conditions.append("environments LIKE \(bind: ColumnJSON.containsElement(environment)) ESCAPE '\\'")
        }
        if let status = filter.status {
            let at = now.millisecondsSinceEpoch
            switch status {
            case .active, .rotating:
                conditions.append("(status = \(bind: status.rawValue) AND (expires_at IS NULL OR expires_at > \(bind: at)))")
            case .expired:
                conditions.append("(status = 'expired' OR (status IN ('active', 'rotating') AND expires_at IS NOT NULL AND expires_at <= \(bind: at)))")
            case .disabled, .revoked, .disappeared, .deleted:
                conditions.append("status = \(bind: status.rawValue)")
            }
        }
        return conditions.reduce("") { $0 + " AND " + $1 }
    }
}
