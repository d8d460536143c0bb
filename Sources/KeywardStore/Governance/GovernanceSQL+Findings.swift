import KeywardCore
import SQLKit

/// Which findings `GET /v1/findings` and `keyward findings list` show. Lists are ORs within a
/// filter; filters combine with AND.
public struct FindingFilter: Sendable, Equatable {
    public var states: [FindingState]
    public var severities: [FindingSeverity]
    /// At least this severity.
    public var minimumSeverity: FindingSeverity?
    public var rule: String?
    /// Matched case-insensitively against the subject's owner.
    public var owner: String?
    /// `FRAMEWORK:ITEM` (`OWASP-NHI-2025:NHI7`) for one item, or a framework name for all its items.
    public var framework: String?
    public var subjectID: String?
    public var limit: Int
    public var cursor: String?

    public static let defaultLimit = 100
    public static let maximumLimit = 1000

    public init(states: [FindingState] = [], severities: [FindingSeverity] = [], minimumSeverity: FindingSeverity? = nil,
                rule: String? = nil, owner: String? = nil, framework: String? = nil, subjectID: String? = nil,
                limit: Int = FindingFilter.defaultLimit, cursor: String? = nil) {
        self.states = states
        self.severities = severities
        self.minimumSeverity = minimumSeverity
        self.rule = rule
        self.owner = owner
        self.framework = framework
        self.subjectID = subjectID
        self.limit = limit
        self.cursor = cursor
    }
}

public struct FindingPage: Sendable {
    public var findings: [Finding]
    public var nextCursor: String?
}

/// A row of a finding's history, with who caused it (`policy` for evaluations, a key id for a
/// person's acknowledgement).
public struct FindingHistoryEntry: Sendable {
    public var transition: FindingTransition
    public var actor: String
}

extension GovernanceSQL {
    /// Inserts or replaces findings by id, in batches.
    public func upsertFindings(_ findings: [Finding], source: FindingSource, at now: Timestamp) async throws {
        let assignments = FindingRow.updatable.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try await batched(findings) { batch in
            let rows = batch.map { FindingRow.values($0, source: source, at: now) }
            return "INSERT INTO findings (\(unsafeRaw: FindingRow.columns)) VALUES \(rows.joined(separator: ", ")) ON CONFLICT (id) DO UPDATE SET \(unsafeRaw: assignments)"
        }
    }

    /// Writes a person's state change (an acknowledgement) on a stored finding, keeping its source.
    public func updateState(of finding: Finding, at now: Timestamp) async throws {
        try await db.raw("""
            UPDATE findings SET state = \(bind: finding.state.rawValue), updated_at = \(bind: now.millisecondsSinceEpoch) WHERE id = \(bind: finding.id)
            """).run()
    }

    public func appendTransitions(_ transitions: [FindingTransition], actor: String) async throws {
        try await batched(transitions) { batch in
            let rows = batch.map { FindingRow.values($0, actor: actor) }
            return "INSERT INTO finding_transitions (\(unsafeRaw: FindingRow.transitionColumns)) VALUES \(rows.joined(separator: ", "))"
        }
    }

    /// Every stored finding of one source, resolved ones included (a resolved finding found again
    /// reopens with its history). Locked on PostgreSQL inside a write, so two nodes reconciling
    /// at once take turns.
    public func findings(source: FindingSource, pageSize: Int = 20_000) async throws -> [Finding] {
        try await findings(where: "source = \(bind: source.rawValue)", pageSize: pageSize)
    }

    /// Stored findings that are not resolved: what reports count.
    public func currentFindings(pageSize: Int = 20_000) async throws -> [Finding] {
        try await findings(where: "state <> 'resolved'", pageSize: pageSize)
    }

    /// Stored findings of one rule whose subject belongs to `owner` (any case).
    public func findings(rule: String, owner: String) async throws -> [Finding] {
        try await findings(where: "rule = \(bind: rule) AND \(OwnerColumn.matches(owner))", pageSize: 20_000)
    }

    /// Stored findings that are not resolved, each with the source that raised it: what the CI
    /// gate counts beside a fresh evaluation of the policy.
    public func currentFindingsWithSource(pageSize: Int = 20_000) async throws -> [(source: FindingSource, finding: Finding)] {
        try await findings(where: "state <> 'resolved'", pageSize: pageSize) { row in
            (try row.enumeration("source", as: FindingSource.self), try FindingRow.decode(row))
        }
    }

    private func findings(where condition: SQLQueryString, pageSize: Int) async throws -> [Finding] {
        try await findings(where: condition, pageSize: pageSize, FindingRow.decode)
    }

    private func findings<Row>(where condition: SQLQueryString, pageSize: Int, _ decode: (any SQLRow) throws -> Row) async throws -> [Row] {
        var result: [Row] = []
        var after: Int64 = 0
        while true {
            let rows = try await db.raw("""
                SELECT seq, \(unsafeRaw: FindingRow.columns) FROM findings WHERE seq > \(bind: after) AND \(condition) \
                ORDER BY seq LIMIT \(bind: pageSize)\(unsafeRaw: lockClause)
                """).all()
            guard let last = rows.last else { return result }
            after = try last.integer("seq")
            result.append(contentsOf: try rows.map(decode))
            if rows.count < pageSize { return result }
        }
    }

    public func finding(id: String) async throws -> Finding? {
        try await db.raw("SELECT \(unsafeRaw: FindingRow.columns) FROM findings WHERE id = \(bind: id)\(unsafeRaw: lockClause)")
            .first().map(FindingRow.decode)
    }

    public func history(findingID: String) async throws -> [FindingHistoryEntry] {
        try await db.raw("SELECT \(unsafeRaw: FindingRow.transitionColumns) FROM finding_transitions WHERE finding_id = \(bind: findingID) ORDER BY seq")
            .all().map { row in
                let (transition, actor) = try FindingRow.decodeTransition(row)
                return FindingHistoryEntry(transition: transition, actor: actor)
            }
    }

    /// One page, worst first (severity, then the order findings were first stored).
    public func listFindings(_ filter: FindingFilter) async throws -> FindingPage {
        guard (1...FindingFilter.maximumLimit).contains(filter.limit) else {
            throw KeywardError.invalidArgument("limit must be between 1 and \(FindingFilter.maximumLimit), got \(filter.limit)")
        }
        var conditions = Self.conditions(filter)
        if let cursor = filter.cursor {
            let (rank, seq) = try FindingCursor.decode(cursor)
            conditions.append("(severity_rank < \(bind: rank) OR (severity_rank = \(bind: rank) AND seq > \(bind: seq)))")
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await db.raw("""
            SELECT seq, \(unsafeRaw: FindingRow.columns) FROM findings\(whereClause) ORDER BY severity_rank DESC, seq LIMIT \(bind: filter.limit + 1)
            """).all()
        let page = rows.prefix(filter.limit)
        let next = rows.count > filter.limit
            ? try page.last.map { FindingCursor.encode(rank: Int(try $0.integer("severity_rank")), seq: try $0.integer("seq")) } : nil
        return FindingPage(findings: try page.map(FindingRow.decode), nextCursor: next)
    }

    static func conditions(_ filter: FindingFilter) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if !filter.states.isEmpty {
            let list: [SQLQueryString] = filter.states.map { "\(bind: $0.rawValue)" }
            conditions.append("state IN (\(list.joined(separator: ", ")))")
        }
        if !filter.severities.isEmpty {
            let list: [SQLQueryString] = filter.severities.map { "\(bind: $0.rawValue)" }
            conditions.append("severity IN (\(list.joined(separator: ", ")))")
        }
        if let minimum = filter.minimumSeverity { conditions.append("severity_rank >= \(bind: FindingRow.rank(minimum))") }
        if let rule = filter.rule { conditions.append("rule = \(bind: rule)") }
        if let owner = filter.owner { conditions.append(OwnerColumn.matches(owner)) }
        if let subject = filter.subjectID { conditions.append("(subject_id = \(bind: subject) OR external_id = \(bind: subject))") }
        if let framework = filter.framework {
            let pattern = framework.contains(":") ? ColumnJSON.containsElement(framework) : ColumnJSON.containsElementPrefix(framework + ":")
            conditions.append("frameworks LIKE \(bind: pattern) ESCAPE '\\'")
        }
        return conditions
    }
}

/// `f` + severity rank + the last row's sequence number in base62: the position in the
/// worst-first order.
enum FindingCursor {
    static func encode(rank: Int, seq: Int64) -> String { "f\(rank)" + Base62.encode(UInt64(seq), width: 11) }

    static func decode(_ text: String) throws -> (rank: Int, seq: Int64) {
        let bytes = Array(text.utf8)
        guard bytes.count == 13, bytes[0] == UInt8(ascii: "f"), (UInt8(ascii: "0")...UInt8(ascii: "4")).contains(bytes[1]),
              let value = Base62.decode(bytes[2...], as: UInt64.self), value <= UInt64(Int64.max) else {
            throw KeywardError.invalidArgument("cursor is not one this server returned")
        }
        return (Int(bytes[1] - 48), Int64(value))
    }
}
