import KeywardCore
import SQLKit

extension SQLStore {
    /// One page of keys and imported records, filtered, searched and sorted in SQL: a
    /// `UNION ALL` of both tables projected to common columns, ordered and cut with
    /// `LIMIT/OFFSET`; the finding count is computed only for the rows of the page.
    public func dashboardInventory(_ query: DashboardInventoryQuery, now: Timestamp) async throws -> DashboardInventoryResult {
        try query.validate()
        let includeKeys = query.provider == nil || query.provider == .keyward
        let includeRecords = query.provider != .keyward
        var parts: [SQLQueryString] = []
        if includeKeys { parts.append(Self.keyPart(query, now: now)) }
        if includeRecords { parts.append(Self.recordPart(query, now: now)) }
        let union = parts.joined(separator: " UNION ALL ")
        let direction = query.descending ? "DESC" : "ASC"
        let column: String
        switch query.sort {
        case .added: column = "kind_rank"
        case .name: column = "name_folded"
        case .owner: column = "owner_folded"
        case .provider: column = "provider"
        case .environment: column = "env"
        case .status: column = "status"
        case .created: column = "created_at"
        case .expires: column = "expires_at"
        case .lastUsed: column = "last_used_at"
        }
        // Rows without a value sort last in either direction, on both databases (whose NULL
        // orders differ); table then insertion order breaks ties so pages are stable.
        let order = "(\(column) IS NULL), \(column) \(direction), kind_rank \(direction), seq \(direction)"
        let offset = (query.page - 1) * query.pageSize
        return try await backend.read { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM (\(union)) AS u").first()?.decode(column: "n", as: Int.self) ?? 0
            let rows = try await db.raw("""
                SELECT p.*, (SELECT COUNT(*) FROM findings f WHERE f.subject_id = p.id AND f.state IN ('open', 'acknowledged')) AS active_findings \
                FROM (SELECT * FROM (\(union)) AS u ORDER BY \(unsafeRaw: order) LIMIT \(bind: query.pageSize) OFFSET \(bind: offset)) AS p \
                ORDER BY \(unsafeRaw: order)
                """).all()
            return DashboardInventoryResult(rows: try rows.map(Self.decodeInventoryRow), total: total)
        }
    }

    /// Every row matching `query`'s filters (its sort and page are ignored), in pages of
    /// `pageSize` in insertion order, for the CSV export: keyset pagination, so the millionth
    /// row costs what the first does.
    public func forEachDashboardInventoryPage(_ query: DashboardInventoryQuery, now: Timestamp, pageSize: Int = 2000,
                                              _ body: ([DashboardInventoryRow]) async throws -> Void) async throws {
        try query.validate()
        var parts: [SQLQueryString] = []
        if query.provider == nil || query.provider == .keyward { parts.append(Self.keyPart(query, now: now)) }
        if query.provider != .keyward { parts.append(Self.recordPart(query, now: now)) }
        let union = parts.joined(separator: " UNION ALL ")
        var after: (rank: Int64, seq: Int64) = (-1, 0)
        while true {
            let position = after
            let rows = try await backend.read { db in
                try await db.raw("""
                    SELECT p.*, (SELECT COUNT(*) FROM findings f WHERE f.subject_id = p.id AND f.state IN ('open', 'acknowledged')) AS active_findings \
                    FROM (SELECT * FROM (\(union)) AS u WHERE kind_rank > \(bind: position.rank) OR (kind_rank = \(bind: position.rank) AND seq > \(bind: position.seq)) \
                    ORDER BY kind_rank, seq LIMIT \(bind: pageSize)) AS p ORDER BY kind_rank, seq
                    """).all()
            }
            guard let last = rows.last else { return }
            after = (try last.integer("kind_rank"), try last.integer("seq"))
            try await body(try rows.map(Self.decodeInventoryRow))
            if rows.count < pageSize { return }
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
            lastUsedAt: try row.optionalTimestamp("last_used_at"), activeFindings: Int(try row.integer("active_findings")))
    }

    private static func keyPart(_ query: DashboardInventoryQuery, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = []
        if let search = query.search?.lowercased(), !search.isEmpty {
            let pattern = likePattern(search)
            conditions.append("(LOWER(name) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(owner) LIKE \(bind: pattern) ESCAPE '\\' OR id LIKE \(bind: pattern) ESCAPE '\\')")
        }
        if let owner = query.owner { conditions.append("LOWER(owner) = \(bind: owner.lowercased())") }
        if let environment = query.environment { conditions.append("environment = \(bind: environment)") }
        if let status = query.status {
            conditions.append(KeyStatus(rawValue: status.rawValue).map { condition(for: $0, now: now) } ?? "1 = 0")
        }
        conditions.append(contentsOf: commonConditions(query, now: now, table: "keys"))
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return """
            SELECT 0 AS kind_rank, seq, id, name, LOWER(name) AS name_folded, owner, LOWER(owner) AS owner_folded, 'keyward' AS provider, \
            environment AS env, \(keyStatusExpression(now: now)) AS status, NULL AS external_id, created_at, expires_at, last_used_at \
            FROM keys\(whereClause)
            """
    }

    private static func recordPart(_ query: DashboardInventoryQuery, now: Timestamp) -> SQLQueryString {
        var conditions: [SQLQueryString] = []
        if let search = query.search?.lowercased(), !search.isEmpty {
            let pattern = likePattern(search)
            conditions.append("""
                (LOWER(COALESCE(name, '')) LIKE \(bind: pattern) ESCAPE '\\' OR COALESCE(owner_folded, '') LIKE \(bind: pattern) ESCAPE '\\' \
                OR LOWER(COALESCE(external_id, '')) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(COALESCE(identity, '')) LIKE \(bind: pattern) ESCAPE '\\' \
                OR id LIKE \(bind: pattern) ESCAPE '\\')
                """)
        }
        var filter = InventoryFilter(provider: query.provider, owner: query.owner, environment: query.environment, status: query.status)
        filter.limit = 1
        let base = recordConditions(filter, now: now)
        conditions.append(contentsOf: commonConditions(query, now: now, table: "inventory_records"))
        // recordConditions starts each condition with " AND ", so it follows a condition that is always true.
        let extra: SQLQueryString = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
        return """
            SELECT 1 AS kind_rank, seq, id, COALESCE(name, identity, external_id, id) AS name, \
            LOWER(COALESCE(name, identity, external_id, id)) AS name_folded, owner, owner_folded, provider, \
            environments AS env, \(recordStatusExpression(now: now)) AS status, external_id, created_at, expires_at, last_used_at \
            FROM inventory_records WHERE 1 = 1\(base)\(extra)
            """
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
        let active: SQLQueryString = "SELECT 1 FROM findings f WHERE f.subject_id = \(unsafeRaw: table).id AND f.state IN ('open', 'acknowledged')"
        switch query.findings {
        case .with: conditions.append("EXISTS (\(active))")
        case .without: conditions.append("NOT EXISTS (\(active))")
        case nil: break
        }
        return conditions
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
