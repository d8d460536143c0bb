/// Every threshold of usage monitoring and anomaly detection, in one place
/// (`serve --config` keys under `anomalies:`; docs/ARCHITECTURE.md, "Usage monitoring").
public struct AnomalyThresholds: Sendable, Equatable, Codable {
    /// How long a key's callers are learnt before a new caller network or a spike is an anomaly
    /// (counted from the first use on record).
    public var learningPeriodSeconds: Int64 = 3 * 86_400
    /// An hour with more than `spikeFactor` times the key's mean hourly use of the
    /// `baselineHours` before it, and at least `spikeMinimumPerHour` verifications, is a spike.
    public var spikeFactor: Double = 10
    public var spikeMinimumPerHour: Int64 = 1_000
    public var baselineHours: Int = 24
    /// Unknown or malformed keys from one address (IPv6: one /64) within one hour that count as
    /// key guessing.
    public var guessingPerHour: Int64 = 100
    /// How often the detector looks at what was flushed since its last run.
    public var checkIntervalSeconds: Int = 60
    /// A rotated-out key unused for this long may have its grace ended early.
    public var rotationQuietSeconds: Int64 = 3_600
    /// Hourly counts, callers and guess counts older than this are deleted.
    public var retentionDays: Int = 35

    public init() {}

    enum CodingKeys: String, CodingKey {
        case learningPeriodSeconds = "learning_period_seconds", spikeFactor = "spike_factor"
        case spikeMinimumPerHour = "spike_minimum_per_hour", baselineHours = "baseline_hours"
        case guessingPerHour = "guessing_per_hour", checkIntervalSeconds = "check_interval_seconds"
        case rotationQuietSeconds = "rotation_quiet_seconds", retentionDays = "retention_days"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AnomalyThresholds()
        learningPeriodSeconds = try container.decodeIfPresent(Int64.self, forKey: .learningPeriodSeconds) ?? defaults.learningPeriodSeconds
        spikeFactor = try container.decodeIfPresent(Double.self, forKey: .spikeFactor) ?? defaults.spikeFactor
        spikeMinimumPerHour = try container.decodeIfPresent(Int64.self, forKey: .spikeMinimumPerHour) ?? defaults.spikeMinimumPerHour
        baselineHours = try container.decodeIfPresent(Int.self, forKey: .baselineHours) ?? defaults.baselineHours
        guessingPerHour = try container.decodeIfPresent(Int64.self, forKey: .guessingPerHour) ?? defaults.guessingPerHour
        checkIntervalSeconds = try container.decodeIfPresent(Int.self, forKey: .checkIntervalSeconds) ?? defaults.checkIntervalSeconds
        rotationQuietSeconds = try container.decodeIfPresent(Int64.self, forKey: .rotationQuietSeconds) ?? defaults.rotationQuietSeconds
        retentionDays = try container.decodeIfPresent(Int.self, forKey: .retentionDays) ?? defaults.retentionDays
        try validate()
    }

    /// Refuses values that would make detection meaningless or unbounded.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw KeywardError.invalidArgument("anomalies: \(message)") } }
        try check(learningPeriodSeconds >= 0, "learning_period_seconds must not be negative")
        try check(spikeFactor >= 1, "spike_factor must be at least 1")
        try check(spikeMinimumPerHour >= 1, "spike_minimum_per_hour must be at least 1")
        try check((1...24 * 90).contains(baselineHours), "baseline_hours must be between 1 and 2160")
        try check(guessingPerHour >= 1, "guessing_per_hour must be at least 1")
        try check((1...86_400).contains(checkIntervalSeconds), "check_interval_seconds must be between 1 and 86400")
        try check(rotationQuietSeconds >= 0, "rotation_quiet_seconds must not be negative")
        try check((1...3650).contains(retentionDays), "retention_days must be between 1 and 3650")
    }
}
