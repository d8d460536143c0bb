/// What one evaluation did to the stored findings (KeywardGovernance's `evaluate`): counts by
/// outcome, policy findings and review findings together. Its JSON is the answer of
/// `POST /v1/findings/evaluate` (KeywardAPI's `EvaluationObject`).
public struct EvaluationSummary: Sendable, Equatable, Codable {
    /// The name of the policy in force.
    public var policy: String
    public var evaluatedAt: Timestamp
    /// Credentials evaluated: keyward keys and imported records.
    public var items: Int
    /// Findings the evaluation produced, whatever their state.
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
