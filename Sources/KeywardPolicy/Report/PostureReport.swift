import KeywardCore

/// The governance posture at one moment: what `keyward report` and `GET /v1/reports/posture`
/// show. Computed by ``PostureReport/compute(_:)``, rendered by ``PostureReportRenderer``.
/// Field names are the JSON names (snake_case) so the API, the CLI's `--format json` and the
/// HTML/Markdown renderers all read the same model.
public struct PostureReport: Sendable, Codable, Equatable {
    public var generatedAt: Timestamp
    public var policy: String
    public var inventory: InventorySummary
    public var findings: FindingSummary
    public var topRisks: [RiskEntry]
    public var reviews: ReviewCoverage
    public var frameworks: FrameworkView
    /// The latest revocation drills, newest first: how fast a revocation reached every node.
    public var drills: [DrillResult]

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at", policy, inventory, findings, topRisks = "top_risks", reviews, frameworks, drills
    }
}

/// A label and a count, kept as an ordered list so renderers show buckets in a fixed order.
public struct LabeledCount: Sendable, Codable, Equatable {
    public var label: String
    public var count: Int
}

public struct InventorySummary: Sendable, Codable, Equatable {
    public var total: Int
    /// Active or rotating.
    public var live: Int
    public var byStatus: [LabeledCount]
    public var byProvider: [LabeledCount]
    public var byEnvironment: [LabeledCount]
    /// Live credentials by age since creation.
    public var byAge: [LabeledCount]
    /// Live credentials expiring within 30, 60 and 90 days (cumulative).
    public var expiringWithin30Days: Int
    public var expiringWithin60Days: Int
    public var expiringWithin90Days: Int
    /// Over live credentials with a known creation time; nil when there are none.
    public var meanAgeDays: Double?
    public var p90AgeDays: Int64?

    enum CodingKeys: String, CodingKey {
        case total, live, byStatus = "by_status", byProvider = "by_provider", byEnvironment = "by_environment", byAge = "by_age"
        case expiringWithin30Days = "expiring_30d", expiringWithin60Days = "expiring_60d", expiringWithin90Days = "expiring_90d"
        case meanAgeDays = "mean_age_days", p90AgeDays = "p90_age_days"
    }
}

public struct FindingSummary: Sendable, Codable, Equatable {
    /// Open or acknowledged.
    public var active: Int
    public var suppressed: Int
    public var bySeverity: [LabeledCount]
    /// Active findings per framework item (`OWASP-NHI-2025:NHI7` …), most first.
    public var byFramework: [LabeledCount]
    public var byRule: [LabeledCount]

    enum CodingKeys: String, CodingKey {
        case active, suppressed, bySeverity = "by_severity", byFramework = "by_framework", byRule = "by_rule"
    }
}

/// One of the worst active findings, with who must act.
public struct RiskEntry: Sendable, Codable, Equatable {
    public var findingID: String
    public var rule: String
    public var severity: FindingSeverity
    public var subject: FindingSubject
    public var owner: String?
    public var message: String
    public var openedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case findingID = "finding_id", rule, severity, subject, owner, message, openedAt = "opened_at"
    }
}

public struct ReviewCoverage: Sendable, Codable, Equatable {
    public var intervalDays: Int64
    /// Live credentials reviewed within the interval.
    public var reviewed: Int
    public var live: Int
    /// `reviewed / live`, 1 when nothing is live.
    public var coverage: Double
    public var campaigns: [CampaignSummary]

    enum CodingKeys: String, CodingKey {
        case intervalDays = "interval_days", reviewed, live, coverage, campaigns
    }
}

public struct CampaignSummary: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var status: String
    public var dueAt: Timestamp
    public var total: Int
    public var answered: Int
    public var revoked: Int
    public var overdue: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, status, dueAt = "due_at", total, answered, revoked, overdue
    }
}
