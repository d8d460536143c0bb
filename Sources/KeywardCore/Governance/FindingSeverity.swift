/// How bad a finding is, ordered so that `--fail-on high` can compare.
public enum FindingSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    var rank: Int {
        switch self {
        case .info: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }

    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// Where a finding stands. `suppressed` is only ever set by an unexpired exception; the others by
/// evaluation (`open`, `resolved`) or by a person (`acknowledged`).
public enum FindingState: String, Sendable, Codable, CaseIterable {
    case open, acknowledged, resolved, suppressed

    /// Open and acknowledged findings still need work; they count in reports and CI gates.
    public var isActive: Bool { self == .open || self == .acknowledged }
}
