import KeywardCore

/// What one evaluation found: the findings (open, or suppressed by an active exception) and,
/// per rule, how many credentials it looked at, for the report's framework view.
public struct PolicyEvaluation: Sendable {
    public var findings: [Finding]
    public var checks: [CheckResult]
    public var evaluatedAt: Timestamp

    /// Unsuppressed findings at or above `severity`: the policy's share of what `keyward policy
    /// check --fail-on` counts (the gate adds the other sources' findings and acknowledgements).
    public func failing(atOrAbove severity: FindingSeverity) -> [Finding] {
        findings.filter { $0.state != .suppressed && $0.severity >= severity }
    }
}

/// One rule's result in one evaluation.
public struct CheckResult: Sendable, Equatable, Codable {
    public var rule: String
    public var check: String
    public var severity: FindingSeverity
    public var frameworks: [FrameworkReference]
    public var summary: String
    /// Credentials (or identities) the rule applied to.
    public var evaluated: Int
    /// Open findings it raised.
    public var failing: Int
    /// Findings an active exception suppressed.
    public var suppressed: Int

    public var passing: Int { max(0, evaluated - failing - suppressed) }
}
