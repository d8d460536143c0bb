/// One governance finding: a rule a credential or identity breaks, explained for a person.
///
/// The JSON shape `{id, rule, severity, subject, message, remediation, frameworks, state,
/// opened_at}` is fixed (DESIGN.md); `exception` and `resolved_at` extend it. `id` is a
/// fingerprint of rule and subject (``Finding/fingerprint(rule:subject:)``), so evaluating the
/// same inventory twice yields the same ids and the store can keep state and history per id.
public struct Finding: Sendable, Equatable, Codable {
    public var id: String
    public var rule: String
    public var severity: FindingSeverity
    public var subject: FindingSubject
    public var message: String
    public var remediation: String
    public var frameworks: [FrameworkReference]
    public var state: FindingState
    public var openedAt: Timestamp
    /// The exception that suppresses this finding, while it does.
    @ExplicitNull public var exception: String?
    @ExplicitNull public var resolvedAt: Timestamp?

    public init(
        rule: String, severity: FindingSeverity, subject: FindingSubject, message: String, remediation: String,
        frameworks: [FrameworkReference], state: FindingState = .open, openedAt: Timestamp,
        exception: String? = nil, resolvedAt: Timestamp? = nil
    ) {
        self.id = Finding.fingerprint(rule: rule, subject: subject)
        self.rule = rule
        self.severity = severity
        self.subject = subject
        self.message = message
        self.remediation = remediation
        self.frameworks = frameworks
        self.state = state
        self.openedAt = openedAt
        self.exception = exception
        self.resolvedAt = resolvedAt
    }

    /// `fnd_` + 24 hex digits of SHA-256 over rule, subject kind and subject id. Owner, message
    /// and severity are left out on purpose: a finding whose owner changes is the same finding.
    public static func fingerprint(rule: String, subject: FindingSubject) -> String {
        StableIdentifier.make(prefix: "fnd_", rule, subject.kind.rawValue, subject.id)
    }

    enum CodingKeys: String, CodingKey {
        case id, rule, severity, subject, message, remediation, frameworks, state
        case openedAt = "opened_at", exception, resolvedAt = "resolved_at"
    }
}
