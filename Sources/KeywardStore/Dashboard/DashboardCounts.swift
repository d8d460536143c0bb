import KeywardCore

/// What the dashboard's overview shows, counted by aggregate queries (never by loading rows):
/// keyward keys and imported records together.
public struct DashboardCounts: Sendable, Equatable {
    /// Key-age buckets of live credentials, youngest first; the last counts unknown creation dates.
    public static let ageBuckets = ["<30d", "30–90d", "90–180d", "180d–1y", "1–2y", ">2y", "unknown"]
    /// Weeks in the expiry timeline (91 days: the next 13 weeks).
    public static let expiryWeeks = 13

    public var total = 0
    public var byStatus: [String: Int] = [:]
    public var byProvider: [String: Int] = [:]
    public var byEnvironment: [String: Int] = [:]
    /// Live credentials per ``ageBuckets`` entry.
    public var ages = [Int](repeating: 0, count: DashboardCounts.ageBuckets.count)
    /// Live credentials expiring in week 0…12 from now.
    public var expiringByWeek = [Int](repeating: 0, count: DashboardCounts.expiryWeeks)
    public var live = 0
    /// Live credentials reviewed within the review interval.
    public var reviewedLive = 0

    public init() {}

    mutating func add(status: String, provider: String, environments: [String], age: Int, week: Int, reviewed: Bool, count: Int) {
        total += count
        byStatus[status, default: 0] += count
        byProvider[provider, default: 0] += count
        for environment in environments { byEnvironment[environment, default: 0] += count }
        if environments.isEmpty { byEnvironment["(none)", default: 0] += count }
        guard status == "active" || status == "rotating" else { return }
        live += count
        if reviewed { reviewedLive += count }
        // -2: counted elsewhere (keys' ages come from their own index ranges).
        if age != -2 { ages[age >= 0 && age < ages.count - 1 ? age : ages.count - 1] += count }
        if (0..<expiringByWeek.count).contains(week) { expiringByWeek[week] += count }
    }
}

/// Active (open or acknowledged) findings, counted for the overview.
public struct DashboardFindingCounts: Sendable, Equatable {
    public var bySeverity: [FindingSeverity: Int] = [:]
    /// Per framework reference (`OWASP-NHI-2025:NHI7`).
    public var byFramework: [String: Int] = [:]
    public var byRule: [String: Int] = [:]
    /// Open (unacknowledged) findings per rule id: what still waits for someone.
    public var openByRule: [String: Int] = [:]
    /// Open (unacknowledged) findings by severity: the overview's first tile counts the
    /// critical and high ones.
    public var openBySeverity: [FindingSeverity: Int] = [:]

    public init() {}
}

/// A keyward key reported leaked (a `key.leaked` event) and what became of it.
public struct DashboardLeak: Sendable {
    public var keyID: String
    /// The first report in the window.
    public var leakedAt: Timestamp
    /// Nil when the key is no longer in the store.
    public var key: KeyRecord?
}
