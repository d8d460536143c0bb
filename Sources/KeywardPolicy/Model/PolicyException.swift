import KeywardCore

/// A documented, approved, time-limited permission to break a rule for some credentials.
/// Once `expiresAt` passes it stops suppressing and the findings open again.
public struct PolicyException: Sendable, Equatable {
    public var id: String
    /// The rule id it covers.
    public var rule: String
    /// Patterns matched against a subject's id, external id (`AKIA…`), name and identity.
    public var keys: [GlobPattern]
    public var justification: String
    public var approver: String
    public var expiresAt: Timestamp

    public init(id: String, rule: String, keys: [GlobPattern], justification: String, approver: String, expiresAt: Timestamp) {
        self.id = id
        self.rule = rule
        self.keys = keys
        self.justification = justification
        self.approver = approver
        self.expiresAt = expiresAt
    }

    public func isActive(at now: Timestamp) -> Bool { now < expiresAt }

    public func covers(_ subject: FindingSubject, name: String?) -> Bool {
        let candidates = [subject.id, subject.externalID, name, subject.identity].compactMap { $0 }
        return keys.contains { pattern in candidates.contains { pattern.matches($0) } }
    }
}
