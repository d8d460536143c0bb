import KeywardCore
import SQLKit

extension SQLStore {
    /// Where records sort after keys in insertion order: keys keep their `seq` as position,
    /// records add this offset to theirs.
    static let recordPositionOffset: Int64 = 1 << 50

    /// One page of keys and imported records, filtered, searched and sorted in SQL: both tables
    /// projected to common columns, combined with `UNION ALL … ORDER BY … LIMIT … OFFSET`, which
    /// both databases run as a merge of the two sorted arms that stops once the page is full (in
    /// insertion order the keys' arm is read in primary-key order, with no sort at all). The
    /// total is two plain counts; finding counts are read for the page's rows only.
    public func dashboardInventory(_ query: DashboardInventoryQuery, now: Timestamp) async throws -> DashboardInventoryResult {
        try query.validate()
        let includeKeys = query.provider == nil || query.provider == .keyward
        let includeRecords = query.provider != .keyward
        let sortExpressions = Self.sortExpressions(query.sort, now: now)
        var parts: [SQLQueryString] = []
        if includeKeys { parts.append(Self.keyArm(query, now: now, sortKey: sortExpressions?.key)) }
        if includeRecords { parts.append(Self.recordArm(query, now: now, sortKey: sortExpressions?.record)) }
        let arms = parts
        let direction = query.descending ? "DESC" : "ASC"
        // Rows without a value sort last in either direction, on both databases (whose NULL
        // orders differ); insertion order breaks ties so pages are stable.
        let order = sortExpressions == nil ? "position \(direction)" : "sort_null, sort_key \(direction), position \(direction)"
        let offset = (query.page - 1) * query.pageSize
        return try await backend.read { db in
            var total = 0
            if includeKeys {
                total += try await db.raw("SELECT COUNT(*) AS n FROM keys WHERE \(Self.keyConditions(query, now: now))").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if includeRecords {
                total += try await db.raw("SELECT COUNT(*) AS n FROM inventory_records WHERE \(Self.recordConditions(query, now: now))")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            let rows = try await db.raw("""
                \(arms.joined(separator: " UNION ALL ")) ORDER BY \(unsafeRaw: order) LIMIT \(bind: query.pageSize) OFFSET \(bind: offset)
                """).all()
            var decoded = try rows.map(Self.decodeInventoryRow)
            try await Self.addFindingCounts(&decoded, on: db)
            return DashboardInventoryResult(rows: decoded, total: total)
        }
    }

    /// Every row matching `query`'s filters (its sort and page are ignored), keys then records
    /// in insertion order, in pages of `pageSize`, for the CSV export: keyset pagination on each
    /// table, so the millionth row costs what the first does.
    public func forEachDashboardInventoryPage(_ query: DashboardInventoryQuery, now: Timestamp, pageSize: Int = 2000,
                                              _ body: ([DashboardInventoryRow]) async throws -> Void) async throws {
        try query.validate()
        for table in ["keys", "inventory_records"] {
            if table == "keys", query.provider != nil, query.provider != .keyward { continue }
            if table == "inventory_records", query.provider == .keyward { continue }
            var after: Int64 = 0
            while true {
                let position = after
                let rows = try await backend.read { db in
                    let arm = table == "keys" ? Self.keyArm(query, now: now, sortKey: nil, after: position)
                        : Self.recordArm(query, now: now, sortKey: nil, after: position)
                    var rows = try await db.raw("\(arm) ORDER BY seq LIMIT \(bind: pageSize)").all().map { row in
                        (seq: try row.integer("seq"), row: try Self.decodeInventoryRow(row))
                    }
                    var page = rows.map(\.row)
                    try await Self.addFindingCounts(&page, on: db)
                    for index in rows.indices { rows[index].row = page[index] }
                    return rows
                }
                guard let last = rows.last else { break }
                after = last.seq
                try await body(rows.map(\.row))
                if rows.count < pageSize { break }
            }
        }
    }

    /// Active (open or acknowledged) findings per row, one indexed query for the page.
    private static func addFindingCounts(_ rows: inout [DashboardInventoryRow], on db: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let ids = rows.map(\.id)
        // The state test is an expression on purpose: as an indexable `state IN (…)` it tempts
        // the planner (which guesses, without statistics) into the state index, a scan of every
        // active finding, instead of one subject look-up per row.
        let counted = try await db.raw("""
            SELECT subject_id, COUNT(*) AS n FROM findings WHERE subject_id IN (\(binds: ids)) AND \(unsafeRaw: Self.activeFindingState("findings")) GROUP BY subject_id
            """).all()
        var counts: [String: Int] = [:]
        for row in counted { counts[try row.text("subject_id")] = Int(try row.integer("n")) }
        for index in rows.indices { rows[index].activeFindings = counts[rows[index].id] ?? 0 }
    }

    /// The sort column's expression in each table; nil for insertion order.
    private static func sortExpressions(_ sort: DashboardInventoryQuery.Sort, now: Timestamp) -> (key: String, record: String)? {
        switch sort {
        case .added: return nil
        case .urgency:
            // One number per row: a band (live and expiring, live for ever, disabled, expired,
            // gone) times 10^14 plus a time within it (timestamps in ms stay below 10^14 until
            // the year 5138). `now` is our own clock's integer, not user input.
            let at = String(now.millisecondsSinceEpoch)
            let band = { (n: Int) in String(n) + "00000000000000" }
            return ("""
                CASE WHEN state = 'revoked' THEN \(band(4)) + created_at WHEN disabled = 1 THEN \(band(2)) + created_at \
                WHEN expires_at IS NULL THEN \(band(1)) + created_at WHEN expires_at <= \(at) THEN \(band(3)) + created_at ELSE expires_at END
                """, """
                CASE WHEN status IN ('revoked', 'disappeared') THEN \(band(4)) + COALESCE(created_at, 0) \
                WHEN status = 'disabled' THEN \(band(2)) + COALESCE(created_at, 0) \
                WHEN status = 'expired' OR (expires_at IS NOT NULL AND expires_at <= \(at)) THEN \(band(3)) + COALESCE(created_at, 0) \
                WHEN expires_at IS NULL THEN \(band(1)) + COALESCE(created_at, 0) ELSE expires_at END
                """)
        case .name: return ("LOWER(name)", "LOWER(COALESCE(name, identity, external_id, id))")
        case .owner: return ("LOWER(owner)", "owner_folded")
        case .provider: return ("'keyward'", "provider")
        case .environment: return ("environment", "environments")
        case .status: return ("CASE WHEN state = 'revoked' THEN 'revoked' WHEN disabled = 1 THEN 'disabled' ELSE state END", "status")
        case .created: return ("created_at", "created_at")
        case .expires: return ("expires_at", "expires_at")
        case .lastUsed: return ("last_used_at", "last_used_at")
        }
    }

    static func decodeInventoryRow(_ row: any SQLRow) throws -> DashboardInventoryRow {
        let kind: DashboardInventoryRow.Kind = try row.integer("kind_rank") == 0 ? .key : .record
        let env = try row.text("env")
        return DashboardInventoryRow(
            kind: kind, id: try row.text("id"), name: try row.text("name"), owner: try row.optionalText("owner"),
            provider: try row.text("provider"),
            environments: kind == .key ? [env] : try ColumnJSON.strings(env, column: "environments"),
            status: try row.text("status"), externalID: try row.optionalText("external_id"),
            createdAt: try row.optionalTimestamp("created_at"), expiresAt: try row.optionalTimestamp("expires_at"),
            lastUsedAt: try row.optionalTimestamp("last_used_at"), activeFindings: 0)
    }

    private static func sortColumns(_ expression: String?) -> SQLQueryString {
        guard let expression else { return "" }
        return ", \(unsafeRaw: expression) AS sort_key, CASE WHEN \(unsafeRaw: expression) IS NULL THEN 1 ELSE 0 END AS sort_null"
    }

    private static func keyArm(_ query: DashboardInventoryQuery, now: Timestamp, sortKey: String?, after: Int64? = nil) -> SQLQueryString {
        let resume: SQLQueryString = after.map { " AND seq > \(bind: $0)" } ?? ""
        return """
            SELECT 0 AS kind_rank, seq, seq AS position, id, name, owner, 'keyward' AS provider, environment AS env, \
            \(keyStatusExpression(now: now)) AS status, NULL AS external_id, created_at, expires_at, last_used_at\(sortColumns(sortKey)) \
            FROM keys WHERE \(keyConditions(query, now: now))\(resume)
            """
    }

    private static func recordArm(_ query: DashboardInventoryQuery, now: Timestamp, sortKey: String?, after: Int64? = nil) -> SQLQueryString {
        let resume: SQLQueryString = after.map { " AND seq > \(bind: $0)" } ?? ""
        return """
            SELECT 1 AS kind_rank, seq, seq + \(unsafeRaw: String(recordPositionOffset)) AS position, id, \
            COALESCE(name, identity, external_id, id) AS name, owner, provider, environments AS env, \
            \(recordStatusExpression(now: now)) AS status, external_id, created_at, expires_at, last_used_at\(sortColumns(sortKey)) \
            FROM inventory_records WHERE \(recordConditions(query, now: now))\(resume)
            """
    }

    private static func keyConditions(_ query: DashboardInventoryQuery, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let search = query.search?.lowercased(), !search.isEmpty {
            let pattern = likePattern(search)
            conditions.append("(LOWER(name) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(owner) LIKE \(bind: pattern) ESCAPE '\\' OR id LIKE \(bind: pattern) ESCAPE '\\')")
        }
        if let owner = query.owner { conditions.append(OwnerColumn.matches(owner)) }
        if let environment = query.environment { conditions.append("environment = \(bind: environment)") }
        if let keyClass = query.keyClass { conditions.append("key_class = \(bind: keyClass.rawValue)") }
        if let status = query.status {
            conditions.append(KeyStatus(rawValue: status.rawValue).map { condition(for: $0, now: now) } ?? "1 = 0")
        }
        conditions.append(contentsOf: commonConditions(query, now: now, table: "keys"))
        return conditions.joined(separator: " AND ")
    }

    private static func recordConditions(_ query: DashboardInventoryQuery, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = []
        if let search = query.search?.lowercased(), !search.isEmpty {
            let pattern = likePattern(search)
            conditions.append("""
                (LOWER(COALESCE(name, '')) LIKE \(bind: pattern) ESCAPE '\\' OR COALESCE(owner_folded, '') LIKE \(bind: pattern) ESCAPE '\\' \
                OR LOWER(COALESCE(external_id, '')) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(COALESCE(identity, '')) LIKE \(bind: pattern) ESCAPE '\\' \
                OR id LIKE \(bind: pattern) ESCAPE '\\')
                """)
        }
        conditions.append(contentsOf: commonConditions(query, now: now, table: "inventory_records"))
        // The listing's own record filters (provider, owner, environment, status), each
        // starting with " AND ", follow a condition that is always true.
        let filter = InventoryFilter(provider: query.provider, owner: query.owner, environment: query.environment, status: query.status)
        return "1 = 1" + recordConditions(filter, now: now) + conditions.reduce("") { $0 + " AND " + $1 }
    }

    /// Age and finding filters, the same on both tables.
    private static func commonConditions(_ query: DashboardInventoryQuery, now: Timestamp, table: String) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        let at = now.millisecondsSinceEpoch
        let day = dayMilliseconds
        switch query.age {
        case .under30: conditions.append("created_at > \(bind: at - 30 * day)")
        case .from30to90: conditions.append("(created_at <= \(bind: at - 30 * day) AND created_at > \(bind: at - 90 * day))")
        case .from90to365: conditions.append("(created_at <= \(bind: at - 90 * day) AND created_at > \(bind: at - 365 * day))")
        case .over365: conditions.append("created_at <= \(bind: at - 365 * day)")
        case nil: break
        }
        let active: SQLQueryString = "SELECT 1 FROM findings f WHERE f.subject_id = \(unsafeRaw: table).id AND \(unsafeRaw: activeFindingState("f"))"
        switch query.findings {
        case .with: conditions.append("EXISTS (\(active))")
        case .without: conditions.append("NOT EXISTS (\(active))")
        case nil: break
        }
        return conditions
    }

    /// True for an open or acknowledged finding, written so that no index serves it (see
    /// ``addFindingCounts(_:on:)``).
    static func activeFindingState(_ table: String) -> String {
        "(CASE \(table).state WHEN 'open' THEN 1 WHEN 'acknowledged' THEN 1 ELSE 0 END) = 1"
    }

    /// `%text%` with LIKE's wildcards escaped (used with `ESCAPE '\'`).
    static func likePattern(_ text: String) -> String {
        var escaped = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}
