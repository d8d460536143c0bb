import KeywardCore
import SQLKit

extension SQLStore {
    /// The overview's counts of keys and imported records, never a row per credential: keys
    /// by status and environment in the order of `dashboard_keys_status`, expired and expiring
    /// keys as a range of `dashboard_keys_expiry`, live keys per age bucket as ranges of
    /// `dashboard_keys_age`, reviewed keys through the expression index; imported records (a
    /// smaller table) in one grouped pass. Findings are counted by ``dashboardFindingCounts()``.
    public func dashboardCounts(now: Timestamp, reviewIntervalDays: Int64) async throws -> DashboardCounts {
        let flavor = backend.flavor
        let at = now.millisecondsSinceEpoch
        let week = 7 * Self.dayMilliseconds
        let reviewCutoff = Timestamp(millisecondsSinceEpoch: at - reviewIntervalDays * Self.dayMilliseconds)
        return try await backend.read { db in
            var counts = DashboardCounts()
            try await Self.addKeyCounts(db, flavor: flavor, at: at, week: week, reviewCutoff: reviewCutoff, only: "1 = 1", sign: 1, into: &counts)
            try await Self.addKeyCounts(db, flavor: flavor, at: at, week: week, reviewCutoff: reviewCutoff,
                                        only: "key_class <> 'standard'", sign: -1, into: &counts)
            counts.byStatus = counts.byStatus.filter { $0.value != 0 }
            counts.byProvider = counts.byProvider.filter { $0.value != 0 }
            counts.byEnvironment = counts.byEnvironment.filter { $0.value != 0 }
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
            return counts
        }
    }

    /// Adds `sign` × the counts of the keys matching `only` to `counts`, from the narrow
    /// indexes. The overview adds every key, then subtracts the drill and canary keys
    /// (``KeywardCore/KeyClass``), which the partial index `keys_set_apart` counts without
    /// touching ordinary keys: a condition on the class in the first pass would cost the
    /// index-only scans their coverage.
    static func addKeyCounts(_ db: any SQLDatabase, flavor: SQLFlavor, at: Int64, week: Int64, reviewCutoff: Timestamp,
                             only: SQLQueryString, sign: Int, into counts: inout DashboardCounts) async throws {
        // Status by environment; "expired" is derived below from the expiry index.
        var byStateAndEnvironment: [String: [String: Int]] = [:]
        for row in try await db.raw("SELECT state, disabled, environment, COUNT(*) AS n FROM keys WHERE \(only) GROUP BY state, disabled, environment").all() {
            let state = try row.text("state")
            let status = state == "revoked" ? "revoked" : try row.integer("disabled") != 0 ? "disabled" : state
            byStateAndEnvironment[status, default: [:]][try row.text("environment"), default: 0] += Int(try row.integer("n"))
        }
        let expiredRows = try await db.raw("""
            SELECT state, environment, COUNT(*) AS n FROM keys WHERE \(only) AND expires_at <= \(bind: at) AND state <> 'revoked' AND disabled = 0 \
            GROUP BY state, environment
            """).all()
        for row in expiredRows {
            let n = Int(try row.integer("n"))
            let environment = try row.text("environment")
            byStateAndEnvironment[try row.text("state"), default: [:]][environment, default: 0] -= n
            byStateAndEnvironment["expired", default: [:]][environment, default: 0] += n
        }
        for (status, environments) in byStateAndEnvironment {
            for (environment, n) in environments where n > 0 {
                counts.add(status: status, provider: InventoryProvider.keyward.rawValue, environments: [environment], age: -2, week: -1, reviewed: false, count: sign * n)
            }
        }
        let weekRows = try await db.raw("""
            SELECT (expires_at - \(bind: at)) / \(bind: week) AS week, COUNT(*) AS n FROM keys \
            WHERE \(only) AND expires_at > \(bind: at) AND expires_at <= \(bind: at + 13 * week) AND state <> 'revoked' AND disabled = 0 GROUP BY 1
            """).all()
        for row in weekRows {
            let index = Int(try row.integer("week"))
            if counts.expiringByWeek.indices.contains(index) { counts.expiringByWeek[index] += sign * Int(try row.integer("n")) }
        }
        // Live keys per age bucket: disjoint created_at ranges, each an index range.
        let day = Self.dayMilliseconds
        let bounds: [Int64?] = [at - 30 * day, at - 90 * day, at - 180 * day, at - 365 * day, at - 730 * day, nil]
        var upper: Int64? = nil
        for (bucket, lower) in bounds.enumerated() {
            var range: SQLQueryString = lower.map { "created_at > \(bind: $0)" } ?? "1 = 1"
            if let upper { range = range + " AND created_at <= \(bind: upper)" }
            let n = try await db.raw("""
                SELECT COUNT(*) AS n FROM keys WHERE \(only) AND state IN ('active', 'rotating') AND disabled = 0 AND \(range) \
                AND (expires_at IS NULL OR expires_at > \(bind: at))
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            counts.ages[bucket] += sign * n
            upper = lower
        }
        let reviewedExpression = flavor == .postgres ? "((meta::jsonb) ->> 'reviewed_at')" : "json_extract(meta, '$.reviewed_at')"
        let reviewed = try await db.raw("""
            SELECT COUNT(*) AS n FROM keys WHERE \(only) AND \(unsafeRaw: reviewedExpression) >= \(bind: reviewCutoff.iso8601) \
            AND state <> 'revoked' AND disabled = 0 AND (expires_at IS NULL OR expires_at > \(bind: at))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        counts.reviewedLive += sign * reviewed
    }

    /// Active findings by severity, rule and framework reference, and open ones by rule: one
    /// pass over the `dashboard_findings_rule` index, then one look-up per rule for its
    /// references (a rule's findings carry the rule's references).
    public func dashboardFindingCounts() async throws -> DashboardFindingCounts {
        try await backend.read { db in
            var counts = DashboardFindingCounts()
            let findingRows = try await db.raw("SELECT rule, state, severity_rank, COUNT(*) AS n FROM findings GROUP BY rule, state, severity_rank").all()
            for row in findingRows {
                let state = try row.enumeration("state", as: FindingState.self)
                guard state.isActive else { continue }
                let count = Int(try row.integer("n"))
                let rank = Int(try row.integer("severity_rank"))
                let rule = try row.text("rule")
                if let severity = FindingSeverity.allCases.first(where: { FindingRow.rank($0) == rank }) {
                    counts.bySeverity[severity, default: 0] += count
                    if state == .open { counts.openBySeverity[severity, default: 0] += count }
                }
                counts.byRule[rule, default: 0] += count
                if state == .open { counts.openByRule[rule, default: 0] += count }
            }
            for (rule, count) in counts.byRule {
                let row = try await db.raw("""
                    SELECT frameworks FROM findings WHERE rule = \(bind: rule) AND state IN ('open', 'acknowledged') LIMIT 1
                    """).first()
                guard let row else { continue }
                for reference in try ColumnJSON.strings(try row.text("frameworks"), column: "frameworks") {
                    counts.byFramework[reference, default: 0] += count
                }
            }
            return counts
        }
    }

    /// The sequence number of the audit chain's head. Every change keyward makes (keys,
    /// findings, imports, reviews) appends an event in its own transaction, so this names a
    /// version of the data that derived views can be cached by.
    public func auditHeadSequence() async throws -> Int64 {
        try await backend.read { db in
            try await db.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int64.self) ?? 0
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

    /// Every keyward key reported leaked (`key.leaked`) since `since`, newest report first, with
    /// the key as it is now (revoked, and when; or still live): a day with two leaks, both
    /// revoked within seconds, shows two leaks, not "0 leaked and live". The events come from
    /// the `audit_action` index; `count` is the number of distinct keys.
    public func dashboardLeaks(since: Timestamp, limit: Int) async throws -> (count: Int, leaks: [DashboardLeak]) {
        let events = try await backend.read { db in
            try await db.raw("""
                SELECT subject_id, MIN(occurred_at) AS leaked_at FROM audit_events \
                WHERE action = 'key.leaked' AND occurred_at >= \(bind: since.millisecondsSinceEpoch) GROUP BY subject_id
                """).all().map { row in (id: try row.text("subject_id"), at: try row.integer("leaked_at")) }
        }
        let newest = events.sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(limit)
        let records = try await keys(ids: newest.compactMap { KeyID($0.id) })
        let byID = Dictionary(records.map { ($0.id.description, $0) }, uniquingKeysWith: { first, _ in first })
        let leaks = newest.map { DashboardLeak(keyID: $0.id, leakedAt: Timestamp(millisecondsSinceEpoch: $0.at), key: byID[$0.id]) }
        return (events.count, leaks)
    }

    /// How many distinct credentials have an open finding of one of `rules`: a credential with
    /// two such findings (rotation and age, say) is one credential to deal with.
    public func dashboardOpenSubjectCount(rules: [String]) async throws -> Int {
        guard !rules.isEmpty else { return 0 }
        let ordered = Set(rules).sorted()
        return try await backend.read { db in
            try await db.raw("""
                SELECT COUNT(DISTINCT subject_id) AS n FROM findings WHERE rule IN (\(binds: ordered)) AND state = 'open'
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// Open (not yet acknowledged: nobody has taken them on) findings of some rules, worst and
    /// newest first: `limit` per rule from the `dashboard_findings_rule` index, merged. With
    /// `onePerSubject`, a credential appears once, with its worst finding (an overview panel
    /// lists credentials, not findings).
    public func dashboardFindings(rules: [String], limit: Int, onePerSubject: Bool = false) async throws -> [Finding] {
        guard !rules.isEmpty else { return [] }
        return try await backend.read { db in
            var found: [(rank: Int64, seq: Int64, finding: Finding)] = []
            for rule in Set(rules).sorted() {
                let rows = try await db.raw("""
                    SELECT seq, \(unsafeRaw: FindingRow.columns) FROM findings WHERE rule = \(bind: rule) AND state = 'open' \
                    ORDER BY severity_rank DESC, seq DESC LIMIT \(bind: limit)
                    """).all()
                for row in rows { found.append((try row.integer("severity_rank"), try row.integer("seq"), try FindingRow.decode(row))) }
            }
            found.sort { ($0.rank, $0.seq) > ($1.rank, $1.seq) }
            guard onePerSubject else { return found.prefix(limit).map(\.finding) }
            var seen = Set<String>()
            var worstPerSubject: [Finding] = []
            for entry in found where worstPerSubject.count < limit && seen.insert(entry.finding.subject.id).inserted {
                worstPerSubject.append(entry.finding)
            }
            return worstPerSubject
        }
    }
}
