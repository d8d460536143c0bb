import KeywardCore

extension PostureReport {
    /// Everything a report is computed from. `findings` are the stored current findings of every
    /// source (policy, imports, scanner, reviews); `checks` the rule results of the last policy
    /// evaluation.
    public struct Input: Sendable {
        public var items: [InventoryItem]
        public var findings: [Finding]
        public var checks: [CheckResult]
        public var campaigns: [ReviewCampaign]
        public var policyName: String
        public var reviewIntervalDays: Int64
        public var topRiskCount: Int
        public var drills: [DrillResult]
        public var now: Timestamp

        public init(items: [InventoryItem], findings: [Finding], checks: [CheckResult], campaigns: [ReviewCampaign] = [],
                    policyName: String, reviewIntervalDays: Int64 = 90, topRiskCount: Int = 10, drills: [DrillResult] = [], now: Timestamp) {
            self.drills = drills
            self.items = items
            self.findings = findings
            self.checks = checks
            self.campaigns = campaigns
            self.policyName = policyName
            self.reviewIntervalDays = reviewIntervalDays
            self.topRiskCount = topRiskCount
            self.now = now
        }
    }

    public static func compute(_ input: Input) -> PostureReport {
        let active = input.findings.filter { $0.state.isActive }
        return PostureReport(
            generatedAt: input.now, policy: input.policyName,
            inventory: InventorySummary(items: input.items, now: input.now),
            findings: FindingSummary(findings: input.findings),
            topRisks: topRisks(active, count: input.topRiskCount),
            reviews: ReviewCoverage(items: input.items, campaigns: input.campaigns, intervalDays: input.reviewIntervalDays, now: input.now),
            frameworks: FrameworkView(checks: input.checks, findings: input.findings),
            drills: input.drills)
    }

    /// Worst first: severity, then the oldest (longest ignored), then id for a stable order.
    static func topRisks(_ findings: [Finding], count: Int) -> [RiskEntry] {
        findings.sorted {
            ($1.severity, $1.openedAt.millisecondsSinceEpoch, $0.id) < ($0.severity, $0.openedAt.millisecondsSinceEpoch, $1.id)
        }
        .prefix(count)
        .map { RiskEntry(findingID: $0.id, rule: $0.rule, severity: $0.severity, subject: $0.subject, owner: $0.subject.owner,
                         message: $0.message, openedAt: $0.openedAt) }
    }
}

extension LabeledCount {
    /// Counts per label, most first, then by label.
    static func tally(_ labels: some Sequence<String>) -> [LabeledCount] {
        var counts: [String: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        return counts.map { LabeledCount(label: $0.key, count: $0.value) }.sorted { ($1.count, $0.label) < ($0.count, $1.label) }
    }
}

extension InventorySummary {
    static let ageBuckets: [(label: String, below: Int64)] = [
        ("<30d", 30), ("30-89d", 90), ("90-179d", 180), ("180-364d", 365), (">=365d", Int64.max),
    ]

    init(items: [InventoryItem], now: Timestamp) {
        let live = items.filter { $0.status.isLive }
        var ages: [Int64] = []
        ages.reserveCapacity(live.count)
        var buckets = [Int](repeating: 0, count: InventorySummary.ageBuckets.count)
        var unknownAge = 0
        var expiring = (0, 0, 0)
        for item in live {
            if let age = item.ageInDays(at: now) {
                ages.append(age)
                buckets[InventorySummary.ageBuckets.firstIndex { age < $0.below }!] += 1
            } else {
                unknownAge += 1
            }
            if let expires = item.expiresAt, expires > now {
                let days = expires.seconds(since: now)
                if days <= 30 * 86_400 { expiring.0 += 1 }
                if days <= 60 * 86_400 { expiring.1 += 1 }
                if days <= 90 * 86_400 { expiring.2 += 1 }
            }
        }
        var byAge = zip(InventorySummary.ageBuckets, buckets).map { LabeledCount(label: $0.0.label, count: $0.1) }
        if unknownAge > 0 { byAge.append(LabeledCount(label: "unknown", count: unknownAge)) }
        ages.sort()
        self.init(
            total: items.count, live: live.count,
            byStatus: LabeledCount.tally(items.map(\.status.rawValue)),
            byProvider: LabeledCount.tally(items.map(\.provider.rawValue)),
            byEnvironment: LabeledCount.tally(items.flatMap { $0.environments.isEmpty ? ["(none)"] : $0.environments }),
            byAge: byAge, expiringWithin30Days: expiring.0, expiringWithin60Days: expiring.1, expiringWithin90Days: expiring.2,
            meanAgeDays: ages.isEmpty ? nil : Double(ages.reduce(0, +)) / Double(ages.count),
            p90AgeDays: ages.isEmpty ? nil : ages[InventorySummary.nearestRank(0.9, count: ages.count)])
    }

    /// Index of the nearest-rank percentile `p` in a sorted list of `count` values.
    static func nearestRank(_ p: Double, count: Int) -> Int {
        max(0, min(count - 1, Int((p * Double(count)).rounded(.up)) - 1))
    }
}

extension FindingSummary {
    init(findings: [Finding]) {
        let active = findings.filter { $0.state.isActive }
        let severities = FindingSeverity.allCases.reversed().map { severity in
            LabeledCount(label: severity.rawValue, count: active.filter { $0.severity == severity }.count)
        }
        self.init(
            active: active.count, suppressed: findings.filter { $0.state == .suppressed }.count,
            bySeverity: severities,
            byFramework: LabeledCount.tally(active.flatMap { $0.frameworks.map(\.description) }),
            byRule: LabeledCount.tally(active.map(\.rule)))
    }
}

extension ReviewCoverage {
    init(items: [InventoryItem], campaigns: [ReviewCampaign], intervalDays: Int64, now: Timestamp) {
        let live = items.filter { $0.status.isLive }
        let since = now.adding(seconds: -intervalDays * 86_400)
        let reviewed = live.filter { ($0.reviewedAt ?? .distantPast) >= since }.count
        self.init(
            intervalDays: intervalDays, reviewed: reviewed, live: live.count,
            coverage: live.isEmpty ? 1 : Double(reviewed) / Double(live.count),
            campaigns: campaigns.sorted { $0.startedAt > $1.startedAt }.map { campaign in
                let progress = campaign.progress
                return CampaignSummary(id: campaign.id, name: campaign.name, status: campaign.status.rawValue, dueAt: campaign.dueAt,
                                       total: progress.total, answered: progress.answered, revoked: progress.revoked,
                                       overdue: campaign.status == .open && now > campaign.dueAt && progress.unanswered > 0)
            })
    }
}
