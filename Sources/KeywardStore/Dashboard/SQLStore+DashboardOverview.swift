import KeywardCore
import SQLKit

extension SQLStore {
    /// The overview's counts in four grouped queries: one pass over keys, one over imported
    /// records, one over active findings. Each groups by a handful of derived columns (status,
    /// environment, age bucket, expiry week, reviewed), so the result is a few hundred rows
    /// whatever the inventory's size.
    public func dashboardCounts(now: Timestamp, reviewIntervalDays: Int64) async throws -> DashboardCounts {
        let flavor = backend.flavor
        let at = now.millisecondsSinceEpoch
        let reviewCutoff = Timestamp(millisecondsSinceEpoch: at - reviewIntervalDays * Self.dayMilliseconds)
        return try await backend.read { db in
            var counts = DashboardCounts()
            let keyReviewed: SQLQueryString = flavor == .postgres
                ? "CASE WHEN (meta::jsonb ->> 'reviewed_at') >= \(bind: reviewCutoff.iso8601) THEN 1 ELSE 0 END"
                : "CASE WHEN json_extract(meta, '$.reviewed_at') >= \(bind: reviewCutoff.iso8601) THEN 1 ELSE 0 END"
            let keyRows = try await db.raw("""
                SELECT \(Self.keyStatusExpression(now: now)) AS status, environment AS env, \(Self.ageBucket("created_at", now: at)) AS age, \
                \(Self.expiryWeek(now: at)) AS week, \(keyReviewed) AS reviewed, COUNT(*) AS n \
                FROM keys GROUP BY 1, 2, 3, 4, 5
                """).all()
            for row in keyRows {
                counts.add(status: try row.text("status"), provider: InventoryProvider.keyward.rawValue, environments: [try row.text("env")],
                           age: Int(try row.integer("age")), week: Int(try row.integer("week")), reviewed: try row.integer("reviewed") != 0,
                           count: Int(try row.integer("n")))
            }
            let recordRows = try await db.raw("""
                SELECT \(Self.recordStatusExpression(now: now)) AS status, provider, environments AS env, \(Self.ageBucket("created_at", now: at)) AS age, \
                \(Self.expiryWeek(now: at)) AS week, \
                CASE WHEN reviewed_at >= \(bind: reviewCutoff.millisecondsSinceEpoch) THEN 1 ELSE 0 END AS reviewed, COUNT(*) AS n \
                FROM inventory_records GROUP BY 1, 2, 3, 4, 5, 6
                """).all()
            for row in recordRows {
                counts.add(status: try row.text("status"), provider: try row.text("provider"),
                           environments: try ColumnJSON.strings(try row.text("env"), column: "environments"),
                           age: Int(try row.integer("age")), week: Int(try row.integer("week")), reviewed: try row.integer("reviewed") != 0,
                           count: Int(try row.integer("n")))
            }
            let findingRows = try await db.raw("""
                SELECT severity, rule, frameworks, COUNT(*) AS n FROM findings WHERE state IN ('open', 'acknowledged') GROUP BY severity, rule, frameworks
                """).all()
            for row in findingRows {
                let count = Int(try row.integer("n"))
                let severity = try row.enumeration("severity", as: FindingSeverity.self)
                counts.findingsBySeverity[severity, default: 0] += count
                counts.findingsByRule[try row.text("rule"), default: 0] += count
                for reference in try ColumnJSON.strings(try row.text("frameworks"), column: "frameworks") {
                    counts.findingsByFramework[reference, default: 0] += count
                }
            }
            return counts
        }
    }

    static let dayMilliseconds: Int64 = 86_400_000

    /// The SQL form of ``KeywardCore/KeyRecord/status(at:)`` as a value.
    static func keyStatusExpression(now: Timestamp) -> SQLQueryString {
        """
        CASE WHEN state = 'revoked' THEN 'revoked' WHEN disabled = 1 THEN 'disabled' \
        WHEN expires_at IS NOT NULL AND expires_at <= \(bind: now.millisecondsSinceEpoch) THEN 'expired' ELSE state END
        """
    }

    /// The SQL form of an imported record's status (a live record past `expires_at` is expired).
    static func recordStatusExpression(now: Timestamp) -> SQLQueryString {
        """
        CASE WHEN status IN ('active', 'rotating') AND expires_at IS NOT NULL AND expires_at <= \(bind: now.millisecondsSinceEpoch) \
        THEN 'expired' ELSE status END
        """
    }

    /// Index into ``DashboardCounts/ageBuckets`` of a creation time.
    static func ageBucket(_ column: String, now at: Int64) -> SQLQueryString {
        let day = dayMilliseconds
        return """
            CASE WHEN \(unsafeRaw: column) IS NULL THEN 6 WHEN \(unsafeRaw: column) > \(bind: at - 30 * day) THEN 0 \
            WHEN \(unsafeRaw: column) > \(bind: at - 90 * day) THEN 1 WHEN \(unsafeRaw: column) > \(bind: at - 180 * day) THEN 2 \
            WHEN \(unsafeRaw: column) > \(bind: at - 365 * day) THEN 3 WHEN \(unsafeRaw: column) > \(bind: at - 730 * day) THEN 4 ELSE 5 END
            """
    }

    /// Week (0…12) in which `expires_at` falls within the next 91 days, or -1.
    static func expiryWeek(now at: Int64) -> SQLQueryString {
        let week = 7 * dayMilliseconds
        return """
            CASE WHEN expires_at IS NOT NULL AND expires_at > \(bind: at) AND expires_at <= \(bind: at + 13 * week) \
            THEN (expires_at - \(bind: at)) / \(bind: week) ELSE -1 END
            """
    }

    /// Live keyward keys named in `key.leaked` audit events: leaked and still usable.
    public func dashboardLeakedKeys(now: Timestamp, limit: Int) async throws -> (count: Int, keys: [KeyRecord]) {
        try await backend.read { db in
            let condition: SQLQueryString = """
                id IN (SELECT subject_id FROM audit_events WHERE action = 'key.leaked') AND state <> 'revoked' AND disabled = 0 \
                AND (expires_at IS NULL OR expires_at > \(bind: now.millisecondsSinceEpoch))
                """
            let count = try await db.raw("SELECT COUNT(*) AS n FROM keys WHERE \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
            let keys = try await db.raw("SELECT \(unsafeRaw: KeyRow.columns) FROM keys WHERE \(condition) ORDER BY seq DESC LIMIT \(bind: limit)")
                .all().map(KeyRow.decode)
            return (count, keys)
        }
    }

    /// Active findings of some rules, worst and oldest first.
    public func dashboardFindings(rules: [String], limit: Int) async throws -> [Finding] {
        guard !rules.isEmpty else { return [] }
        return try await backend.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: FindingRow.columns) FROM findings WHERE state IN ('open', 'acknowledged') AND rule IN (\(binds: rules)) \
                ORDER BY severity_rank DESC, opened_at, seq LIMIT \(bind: limit)
                """).all().map(FindingRow.decode)
        }
    }
}
