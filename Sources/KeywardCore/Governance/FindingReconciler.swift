/// Turns "what the store knew" plus "what evaluation just found" into the new state of every
/// finding and the history rows that explain it. Pure: the store applies the result in one
/// transaction.
///
/// The rules:
/// - a finding evaluation reports for the first time opens (or starts suppressed, when an
///   exception already covers it);
/// - a finding reported again keeps its `opened_at` and a person's acknowledgement, takes the
///   new message, severity and owner, and moves to or from `suppressed` as exceptions start or
///   expire;
/// - a finding evaluation no longer reports is resolved; reported again later, it reopens with a
///   new `opened_at`;
/// - findings outside `scope` are left alone, so an import can reconcile only the checks it runs.
public enum FindingReconciler {
    public struct Result: Sendable, Equatable {
        /// Every finding whose stored row must be written, in its new state: new ones, changed
        /// ones (state, message, severity, owner…) and resolved ones. Findings identical to their
        /// stored row are left out — after the first run most are — and counted in `unchanged`.
        public var findings: [Finding]
        public var transitions: [FindingTransition]
        public var opened = 0
        public var stillOpen = 0
        public var resolved = 0
        public var suppressed = 0
        public var reopened = 0
        /// Reported again exactly as stored; nothing to write.
        public var unchanged = 0
    }

    public static func reconcile(
        previous: [Finding], evaluated: [Finding], now: Timestamp,
        scope: (Finding) -> Bool = { _ in true }
    ) -> Result {
        // Index by position with inline keys, and read only the three fields a stored finding
        // contributes: evaluations reach millions of findings, and copying one retains a dozen
        // strings.
        var position: [FindingKey: Int] = [:]
        position.reserveCapacity(previous.count)
        for (index, finding) in previous.enumerated() { position[FindingKey(finding.id)] = index }
        var matched = [Bool](repeating: false, count: previous.count)
        var fresh = Set<FindingKey>()
        var result = Result(findings: [], transitions: [])
        result.findings.reserveCapacity(evaluated.count)

        for finding in evaluated {
            let key = FindingKey(finding.id)
            var prior: Prior?
            var stored: Int?
            if let index = position[key] {
                guard !matched[index] else { continue }
                matched[index] = true
                prior = Prior(previous[index])
                stored = index
            } else {
                guard fresh.insert(key).inserted else { continue }
            }
            var next = finding
            if let transition = apply(prior: prior, to: &next, now: now) { result.transitions.append(transition) }
            count(prior: prior, next: next.state, into: &result)
            if let stored, previous[stored] == next {
                result.unchanged += 1
            } else {
                result.findings.append(next)
            }
        }
        for (index, old) in previous.enumerated() where !matched[index] && old.state != .resolved && scope(old) {
            var next = old
            next.state = .resolved
            next.resolvedAt = now
            next.exception = nil
            result.findings.append(next)
            result.transitions.append(FindingTransition(findingID: old.id, rule: old.rule, from: old.state, to: .resolved, at: now,
                                                        reason: "the check no longer reports it"))
            result.resolved += 1
        }
        return result
    }

    /// What a stored finding carries into the next state.
    private struct Prior {
        var state: FindingState
        var openedAt: Timestamp
        var exception: String?

        init(_ finding: Finding) {
            state = finding.state
            openedAt = finding.openedAt
            exception = finding.exception
        }
    }

    /// Sets `next`'s state and `opened_at` from the prior state and what evaluation reported;
    /// returns the history row when the state changed.
    private static func apply(prior: Prior?, to next: inout Finding, now: Timestamp) -> FindingTransition? {
        let target: FindingState = next.state == .suppressed ? .suppressed : .open
        next.resolvedAt = nil
        func transition(from: FindingState?, _ reason: String) -> FindingTransition {
            FindingTransition(findingID: next.id, rule: next.rule, from: from, to: next.state, at: now, reason: reason)
        }
        guard let prior else {
            next.state = target
            next.openedAt = now
            return transition(from: nil, target == .suppressed ? "found; covered by exception \(next.exception ?? "")" : "found")
        }
        next.openedAt = prior.openedAt
        switch (prior.state, target) {
        case (.resolved, _):
            next.state = target
            next.openedAt = now
            return transition(from: .resolved, "found again")
        case (.suppressed, .open):
            next.state = .open
            return transition(from: .suppressed, "exception \(prior.exception ?? "") expired or was removed")
        case (.open, .suppressed), (.acknowledged, .suppressed):
            next.state = .suppressed
            return transition(from: prior.state, "covered by exception \(next.exception ?? "")")
        default:
            // open stays open, acknowledged stays acknowledged, suppressed stays suppressed
            next.state = prior.state
            return nil
        }
    }

    /// `suppressed` counts every reported finding an exception covers now; the others count once
    /// as opened, reopened or still open.
    private static func count(prior: Prior?, next: FindingState, into result: inout Result) {
        if next == .suppressed {
            result.suppressed += 1
        } else if let prior {
            if prior.state == .resolved { result.reopened += 1 } else { result.stillOpen += 1 }
        } else {
            result.opened += 1
        }
    }

    /// A person acknowledges an open finding: it stays active (reports and gates still count it)
    /// but shows that someone owns the follow-up. Only an open finding can be acknowledged.
    public static func acknowledge(_ finding: Finding, by person: String, at now: Timestamp) throws -> (Finding, FindingTransition) {
        guard finding.state == .open else {
            throw KeywardError.conflict("finding \(finding.id) is \(finding.state.rawValue); only an open finding can be acknowledged")
        }
        var next = finding
        next.state = .acknowledged
        return (next, FindingTransition(findingID: finding.id, rule: finding.rule, from: .open, to: .acknowledged, at: now,
                                        reason: "acknowledged by \(person)"))
    }
}
