import KeywardCore

/// `GET /v1/policy`: the policy a server enforces, where it came from and its text.
public struct PolicyObject: Codable, Sendable {
    public struct Rule: Codable, Sendable, Equatable {
        public var id: String
        public var check: String
        public var severity: FindingSeverity
        public var frameworks: [FrameworkReference]
        public var description: String?

        public init(id: String, check: String, severity: FindingSeverity, frameworks: [FrameworkReference], description: String?) {
            self.id = id
            self.check = check
            self.severity = severity
            self.frameworks = frameworks
            self.description = description
        }
    }

    public struct Exception: Codable, Sendable, Equatable {
        public var id: String
        public var rule: String
        public var keys: [String]
        public var justification: String
        public var approver: String
        public var expires: Timestamp
        /// False once `expires` has passed: the exception no longer suppresses anything.
        public var active: Bool

        public init(id: String, rule: String, keys: [String], justification: String, approver: String, expires: Timestamp, active: Bool) {
            self.id = id
            self.rule = rule
            self.keys = keys
            self.justification = justification
            self.approver = approver
            self.expires = expires
            self.active = active
        }
    }

    public var name: String
    public var file: String
    public var sha256: String
    public var isDefault: Bool
    public var rules: [Rule]
    public var exceptions: [Exception]
    public var yaml: String

    public init(name: String, file: String, sha256: String, isDefault: Bool, rules: [Rule], exceptions: [Exception], yaml: String) {
        self.name = name
        self.file = file
        self.sha256 = sha256
        self.isDefault = isDefault
        self.rules = rules
        self.exceptions = exceptions
        self.yaml = yaml
    }

    enum CodingKeys: String, CodingKey {
        case name, file, sha256, isDefault = "default", rules, exceptions, yaml
    }
}

/// `POST /v1/policy/check`: evaluate `policy` (YAML text; the server's own when absent) over the
/// server's inventory without storing anything.
public struct PolicyCheckBody: Codable, Sendable {
    public var policy: String?
    /// The name errors and the answer use for the policy text (the user's file name).
    public var file: String?
    public var failOn: FindingSeverity?
    /// Findings to return, worst first (the counts cover all of them).
    public var limit: Int?

    public init(policy: String?, file: String?, failOn: FindingSeverity?, limit: Int?) {
        self.policy = policy
        self.file = file
        self.failOn = failOn
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case policy, file, failOn = "fail_on", limit
    }
}

/// One rule's result in an evaluation: what it looked at, failed and suppressed.
public struct CheckObject: Codable, Sendable, Equatable {
    public var rule: String
    public var check: String
    public var severity: FindingSeverity
    public var frameworks: [FrameworkReference]
    public var summary: String
    public var evaluated: Int
    public var failing: Int
    public var suppressed: Int

    public init(rule: String, check: String, severity: FindingSeverity, frameworks: [FrameworkReference], summary: String,
                evaluated: Int, failing: Int, suppressed: Int) {
        self.rule = rule
        self.check = check
        self.severity = severity
        self.frameworks = frameworks
        self.summary = summary
        self.evaluated = evaluated
        self.failing = failing
        self.suppressed = suppressed
    }
}

/// The answer of `POST /v1/policy/check` and the output of `keyward policy check --json`: the
/// policy evaluated afresh (nothing stored) together with the findings every other source keeps
/// (`sources`). `failing` counts open findings at or above `fail_on` — not acknowledged, not
/// suppressed by an exception — whatever raised them; `keyward policy check` exits 1 when it is
/// not zero. The other counts and `findings` cover every source too.
public struct PolicyCheckObject: Codable, Sendable {
    public var policy: String
    public var file: String
    public var evaluatedAt: Timestamp
    public var failOn: FindingSeverity
    public var failing: Int
    /// `failing` by source: `policy`, `import`, `offboarding`, `review`, `leak`, `anomaly`, each listed.
    public var failingBySource: [String: Int]
    /// The finding sources the check counted, in that order.
    public var sources: [String]
    public var totalFindings: Int
    public var suppressed: Int
    /// Findings a person acknowledged: they count in `by_severity`, not in `failing`.
    public var acknowledged: Int
    /// Findings that are not suppressed (open or acknowledged), by severity.
    public var bySeverity: [String: Int]
    /// Worst first, at most the requested limit.
    public var findings: [Finding]
    public var findingsOmitted: Int
    /// The policy's rules.
    public var checks: [CheckObject]

    public init(policy: String, file: String, evaluatedAt: Timestamp, failOn: FindingSeverity, failing: Int, failingBySource: [String: Int],
                sources: [String], totalFindings: Int, suppressed: Int, acknowledged: Int, bySeverity: [String: Int], findings: [Finding],
                findingsOmitted: Int, checks: [CheckObject]) {
        self.policy = policy
        self.file = file
        self.evaluatedAt = evaluatedAt
        self.failOn = failOn
        self.failing = failing
        self.failingBySource = failingBySource
        self.sources = sources
        self.totalFindings = totalFindings
        self.suppressed = suppressed
        self.acknowledged = acknowledged
        self.bySeverity = bySeverity
        self.findings = findings
        self.findingsOmitted = findingsOmitted
        self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case policy, file, failing, sources, suppressed, acknowledged, findings, checks
        case evaluatedAt = "evaluated_at", failOn = "fail_on", failingBySource = "failing_by_source", totalFindings = "total_findings"
        case bySeverity = "by_severity", findingsOmitted = "findings_omitted"
    }
}
