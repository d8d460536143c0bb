import KeywardCore
import KeywardPolicy
import KeywardStore

/// What `keyward policy check` (and `POST /v1/policy/check`) decides on: a fresh evaluation of a
/// policy, nothing stored, together with every finding the other sources keep — a leaked key, an
/// import's own check, an offboarding, a review, a usage anomaly. A CI gate that counted only the
/// policy's rules would pass on the day a live key leaked.
///
/// A finding fails the gate when it is `open` (not acknowledged, not suppressed by an exception)
/// and at or above the severity. An acknowledgement is a person owning the follow-up: the stored
/// state of a policy finding carries over to the fresh evaluation by id, which is the same for
/// the same rule on the same credential.
public struct PolicyGate: Sendable {
    public struct Entry: Sendable {
        public var source: FindingSource
        public var finding: Finding
    }

    /// Every source the gate counts, in the order it reports them.
    public static let sources = FindingSource.allCases

    /// The policy's own evaluation: when it ran and each rule's result.
    public var evaluation: PolicyEvaluation
    /// The policy's findings first, in evaluation order, then the other sources' stored ones
    /// (not resolved), oldest first.
    public var entries: [Entry]

    /// - Parameter stored: the stored findings that are not resolved, with their sources (the
    ///   policy's own give their acknowledgements; the policy's findings themselves come from
    ///   `evaluation`, which may be of another policy than the one that stored them).
    public init(evaluation: PolicyEvaluation, stored: [(source: FindingSource, finding: Finding)]) {
        let acknowledged = Set(stored.lazy.filter { $0.source == .policy && $0.finding.state == .acknowledged }.map(\.finding.id))
        var entries = evaluation.findings.map { finding in
            var finding = finding
            if finding.state == .open, acknowledged.contains(finding.id) { finding.state = .acknowledged }
            return Entry(source: .policy, finding: finding)
        }
        entries += stored.lazy.filter { $0.source != .policy }.map { Entry(source: $0.source, finding: $0.finding) }
        self.evaluation = evaluation
        self.entries = entries
    }

    /// Open findings at or above `severity`, from every source: the gate fails when there is one.
    public func failing(atOrAbove severity: FindingSeverity) -> [Entry] {
        entries.filter { $0.finding.state == .open && $0.finding.severity >= severity }
    }

    /// How many of ``failing(atOrAbove:)`` each source raised, every source listed.
    public func failingBySource(atOrAbove severity: FindingSeverity) -> [(source: FindingSource, count: Int)] {
        let failing = failing(atOrAbove: severity)
        return Self.sources.map { source in (source, failing.count { $0.source == source }) }
    }
}
