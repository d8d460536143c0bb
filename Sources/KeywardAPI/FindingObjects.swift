import KeywardCore

/// `GET /v1/findings`: findings in the fixed shape (DESIGN.md), worst first, and when the policy
/// was last evaluated (`evaluated_at`, null if never): policy findings are as current as that.
public struct FindingListObject: Codable, Sendable {
    public var findings: [Finding]
    public var nextCursor: String?
    public var evaluatedAt: Timestamp?

    public init(findings: [Finding], nextCursor: String?, evaluatedAt: Timestamp? = nil) {
        self.findings = findings
        self.nextCursor = nextCursor
        self.evaluatedAt = evaluatedAt
    }

    enum CodingKeys: String, CodingKey {
        case findings, nextCursor = "next_cursor", evaluatedAt = "evaluated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(findings, forKey: .findings)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(evaluatedAt, forKey: .evaluatedAt)
    }
}

/// One state change of a finding, with who caused it (`policy`, `import`, or a key id).
public struct FindingHistoryObject: Codable, Sendable, Equatable {
    public var from: FindingState?
    public var to: FindingState
    public var at: Timestamp
    public var reason: String
    public var actor: String

    public init(from: FindingState?, to: FindingState, at: Timestamp, reason: String, actor: String) {
        self.from = from
        self.to = to
        self.at = at
        self.reason = reason
        self.actor = actor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(at, forKey: .at)
        try container.encode(reason, forKey: .reason)
        try container.encode(actor, forKey: .actor)
    }

    enum CodingKeys: String, CodingKey { case from, to, at, reason, actor }
}

/// `GET /v1/findings/{id}`: the finding and its history, oldest first.
public struct FindingDetailObject: Codable, Sendable {
    public var finding: Finding
    public var history: [FindingHistoryObject]

    public init(finding: Finding, history: [FindingHistoryObject]) {
        self.finding = finding
        self.history = history
    }
}

/// `POST /v1/findings/{id}/acknowledge`.
public struct AcknowledgeBody: Codable, Sendable {
    public var note: String?

    public init(note: String?) { self.note = note }
}

/// What one evaluation changed (`POST /v1/findings/evaluate`).
public struct EvaluationObject: Codable, Sendable, Equatable {
    public var policy: String
    public var evaluatedAt: Timestamp
    public var items: Int
    public var findings: Int
    public var opened: Int
    public var reopened: Int
    public var resolved: Int
    public var suppressed: Int
    public var stillOpen: Int
    public var unchanged: Int

    public init(policy: String, evaluatedAt: Timestamp, items: Int, findings: Int, opened: Int, reopened: Int, resolved: Int,
                suppressed: Int, stillOpen: Int, unchanged: Int) {
        self.policy = policy
        self.evaluatedAt = evaluatedAt
        self.items = items
        self.findings = findings
        self.opened = opened
        self.reopened = reopened
        self.resolved = resolved
        self.suppressed = suppressed
        self.stillOpen = stillOpen
        self.unchanged = unchanged
    }

    enum CodingKeys: String, CodingKey {
        case policy, items, findings, opened, reopened, resolved, suppressed, unchanged
        case evaluatedAt = "evaluated_at", stillOpen = "still_open"
    }
}
