import KeywardCore
import SQLKit

/// Which keys to list.
public struct KeyFilter: Sendable, Equatable {
    public var owner: String?
    public var status: KeyStatus?
    public var environment: String?
    /// Keys of this class only (``KeywardCore/KeyClass``); nil lists every class. By default
    /// drill and canary keys are left out.
    public var keyClass: KeyClass? = .standard
    public var limit: Int
    /// Opaque position returned as `nextCursor` by the previous page.
    public var cursor: String?

    public static let maximumLimit = 1000
    public static let defaultLimit = 50

    public init(owner: String? = nil, status: KeyStatus? = nil, environment: String? = nil, limit: Int = KeyFilter.defaultLimit, cursor: String? = nil) {
        self.owner = owner
        self.status = status
        self.environment = environment
        self.limit = limit
        self.cursor = cursor
    }
}

public struct KeyPage: Sendable {
    public var keys: [KeyRecord]
    public var nextCursor: String?
}

/// Cursors are the last row's sequence number in base62 behind a version letter: opaque to
/// callers, stable under concurrent inserts (new keys sort before the cursor and are not skipped
/// from later pages, they belong to earlier ones).
enum KeyCursor {
    static func encode(_ seq: Int64) -> String { "c" + Base62.encode(UInt64(seq), width: 11) }

    static func decode(_ text: String) throws -> Int64 {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, bytes[0] == UInt8(ascii: "c"), let value = Base62.decode(bytes[1...], as: UInt64.self), value <= UInt64(Int64.max) else {
            throw KeywardError.invalidArgument("cursor is not one this server returned")
        }
        return Int64(value)
    }
}

extension SQLStore {
    public func key(id: KeyID) async throws -> KeyRecord? {
        try await backend.read { db in try await Self.key(id: id, on: db, lock: false, flavor: .sqlite) }
    }

    static func key(id: KeyID, on db: any SQLDatabase, lock: Bool, flavor: SQLFlavor) async throws -> KeyRecord? {
        let forUpdate = lock && flavor == .postgres ? " FOR UPDATE" : ""
        return try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE id = \(bind: id.description)\(unsafeRaw: forUpdate)")
            .first().map(KeyRow.decode)
    }

    public func key(hash: KeyHash) async throws -> KeyRecord? {
        try await backend.read { db in
            try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE hash = \(bind: hash.hex)").first().map(KeyRow.decode)
        }
    }

    /// The keys with these hashes, by hash; hashes of no key are absent. One query per
    /// ``hashesPerQuery`` hashes, however many are asked (a scan's finds, a look-up request).
    public func keys(hashes: [KeyHash]) async throws -> [KeyHash: KeyRecord] {
        guard !hashes.isEmpty else { return [:] }
        return try await backend.read { db in try await Self.keys(hashes: hashes, on: db, lock: false) }
    }

    /// Hashes per `WHERE hash IN (…)`, well under both databases' bind-parameter limits.
    public static let hashesPerQuery = 500

    /// ``keys(hashes:)`` inside the caller's transaction; `lock` takes the rows `FOR UPDATE` in id
    /// order (PostgreSQL), so two writers locking overlapping sets cannot deadlock.
    static func keys(hashes: [KeyHash], on db: any SQLDatabase, lock: Bool) async throws -> [KeyHash: KeyRecord] {
        var found: [KeyHash: KeyRecord] = [:]
        for start in stride(from: 0, to: hashes.count, by: hashesPerQuery) {
            let chunk = hashes[start..<min(start + hashesPerQuery, hashes.count)].map(\.hex)
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE hash IN (\(binds: chunk))\(unsafeRaw: lock ? " ORDER BY id FOR UPDATE" : "")
                """).all()
            for row in rows {
                let record = try KeyRow.decode(row)
                found[record.hash] = record
            }
        }
        return found
    }

    public func listKeys(_ filter: KeyFilter, now: Timestamp) async throws -> KeyPage {
        guard (1...KeyFilter.maximumLimit).contains(filter.limit) else {
            throw KeywardError.invalidArgument("limit must be between 1 and \(KeyFilter.maximumLimit), got \(filter.limit)")
        }
        let after = try filter.cursor.map(KeyCursor.decode)
        return try await backend.read { db in
            var conditions: [SQLQueryString] = []
            if let after { conditions.append("seq < \(bind: after)") }
            if let owner = filter.owner { conditions.append(OwnerColumn.matches(owner)) }
            if let environment = filter.environment { conditions.append("environment = \(bind: environment)") }
            if let status = filter.status { conditions.append(Self.condition(for: status, now: now)) }
            if let keyClass = filter.keyClass { conditions.append("key_class = \(bind: keyClass.rawValue)") }
            let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try await db.raw("SELECT seq, \(unsafeRaw: KeyRow.columns) FROM keys\(whereClause) ORDER BY seq DESC LIMIT \(bind: filter.limit + 1)").all()
            let page = rows.prefix(filter.limit)
            let keys = try page.map(KeyRow.decode)
            let next = rows.count > filter.limit ? try page.last.map { KeyCursor.encode(try $0.decode(column: "seq", as: Int64.self)) } : nil
            return KeyPage(keys: keys, nextCursor: next)
        }
    }

    /// The SQL form of ``KeyRecord/status(at:)``.
    static func condition(for status: KeyStatus, now: Timestamp) -> SQLQueryString {
        let at = now.millisecondsSinceEpoch
        switch status {
        case .revoked: return "state = 'revoked'"
        case .disabled: return "(state <> 'revoked' AND disabled = 1)"
        case .expired: return "(state <> 'revoked' AND disabled = 0 AND expires_at IS NOT NULL AND expires_at <= \(bind: at))"
        case .active, .rotating:
            return "(state = \(bind: status.rawValue) AND disabled = 0 AND (expires_at IS NULL OR expires_at > \(bind: at)))"
        }
    }

    /// Streams every key in pages, oldest first, for loading the verify index.
    public func forEachKeyPage(pageSize: Int = 10_000, _ body: ([KeyRecord]) throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let cursor = after
            let rows = try await backend.read { db in
                try await db.raw("SELECT seq, \(unsafeRaw: KeyRow.columns) FROM keys WHERE seq > \(bind: cursor) ORDER BY seq LIMIT \(bind: pageSize)").all()
            }
            guard let last = rows.last else { return }
            after = try last.decode(column: "seq", as: Int64.self)
            try body(try rows.map(KeyRow.decode))
            if rows.count < pageSize { return }
        }
    }

    /// The current records of the given keys (any order; unknown ids are skipped).
    public func keys(ids: [KeyID]) async throws -> [KeyRecord] {
        var records: [KeyRecord] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)].map(\.description)
            let page = try await backend.read { db in
                try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE id IN (\(binds: chunk))").all().map(KeyRow.decode)
            }
            records.append(contentsOf: page)
        }
        return records
    }

    /// Keys whose life-cycle state changed at or after `time`.
    public func keys(updatedSince time: Timestamp) async throws -> [KeyRecord] {
        try await backend.read { db in
            try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE updated_at >= \(bind: time.millisecondsSinceEpoch) ORDER BY seq")
                .all().map(KeyRow.decode)
        }
    }

    /// Tells other nodes, inside the caller's transaction, that these keys changed.
    /// Delivered only if the transaction commits; nothing to do on SQLite (see SQLiteKeyChangeFeed).
    static func publishKeyChanges(_ ids: [KeyID], on db: any SQLDatabase, flavor: SQLFlavor) async throws {
        guard flavor == .postgres else { return }
        try await PostgresKeyChangeFeed.publish(ids, on: db)
    }

    public func keyCount() async throws -> Int {
        try await backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM keys").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Keys of an owner (in any case) that are not yet revoked, read under the write transaction.
    static func unrevokedKeys(owner: String, on db: any SQLDatabase, lock: Bool) async throws -> [KeyRecord] {
        try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE \(OwnerColumn.matches(owner)) AND state <> 'revoked' ORDER BY seq\(unsafeRaw: lock ? " FOR UPDATE" : "")")
            .all().map(KeyRow.decode)
    }
}
