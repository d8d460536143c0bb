/// One change of a finding's state: a row of its history.
public struct FindingTransition: Sendable, Equatable, Codable {
    public var findingID: String
    public var rule: String
    /// Nil when the finding is seen for the first time.
    public var from: FindingState?
    public var to: FindingState
    public var at: Timestamp
    /// Why, in words (`"exception legacy-billing expired or was removed"`).
    public var reason: String

    public init(findingID: String, rule: String, from: FindingState?, to: FindingState, at: Timestamp, reason: String) {
        self.findingID = findingID
        self.rule = rule
        self.from = from
        self.to = to
        self.at = at
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case findingID = "finding_id", rule, from, to, at, reason
    }
}
