import KeywardCore

/// `GET /v1/findings`: findings in the fixed shape (DESIGN.md), worst first, and when the policy
/// was last evaluated (`evaluated_at`, null if never): policy findings are as current as that.
public struct FindingListObject: Codable, Sendable {
    public var findings: [Finding]
    @ExplicitNull public var nextCursor: String?
    @ExplicitNull public var evaluatedAt: Timestamp?

    public init(findings: [Finding], nextCursor: String?, evaluatedAt: Timestamp? = nil) {
        self.findings = findings
        self.nextCursor = nextCursor
        self.evaluatedAt = evaluatedAt
    }

    enum CodingKeys: String, CodingKey {
        case findings, nextCursor = "next_cursor", evaluatedAt = "evaluated_at"
    }
}

/// One state change of a finding, with who caused it (`policy`, `import`, or a key id).
public struct FindingHistoryObject: Codable, Sendable, Equatable {
    @ExplicitNull public var from: FindingState?
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
public typealias EvaluationObject = EvaluationSummary
