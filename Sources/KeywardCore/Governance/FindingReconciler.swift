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
        /// Every finding whose stored row must be written, in its new state. Previously resolved
        /// findings that stay resolved are not included: nothing about them changed.
        public var findings: [Finding]
        public var transitions: [FindingTransition]
        public var opened = 0
        public var stillOpen = 0
        public var resolved = 0
        public var suppressed = 0
        public var reopened = 0
    }

    public static func reconcile(
        previous: [Finding], evaluated: [Finding], now: Timestamp,
        scope: (Finding) -> Bool = { _ in true }
    ) -> Result {
        // Index by position rather than copying findings into a dictionary: evaluations reach
        // millions of findings, and each copy retains a dozen strings.
        var position: [String: Int] = [:]
        position.reserveCapacity(previous.count)
        for (index, finding) in previous.enumerated() { position[finding.id] = index }
        var matched = [Bool](repeating: false, count: previous.count)
        var fresh = Set<String>()
        var result = Result(findings: [], transitions: [])
        result.findings.reserveCapacity(evaluated.count)

        for finding in evaluated {
            var old: Finding?
            if let index = position[finding.id] {
                guard !matched[index] else { continue }
                matched[index] = true
                old = previous[index]
            } else {
                guard fresh.insert(finding.id).inserted else { continue }
            }
            let (next, transition) = merge(old: old, fresh: finding, now: now)
            result.findings.append(next)
            if let transition { result.transitions.append(transition) }
            count(old: old, next: next, into: &result)
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

    private static func merge(old: Finding?, fresh: Finding, now: Timestamp) -> (Finding, FindingTransition?) {
        var next = fresh
        let target: FindingState = fresh.state == .suppressed ? .suppressed : .open
        guard let old else {
            next.state = target
            next.openedAt = now
            next.resolvedAt = nil
            return (next, FindingTransition(findingID: fresh.id, rule: fresh.rule, from: nil, to: target, at: now,
                                            reason: target == .suppressed ? "found; covered by exception \(fresh.exception ?? "")" : "found"))
        }
        next.resolvedAt = nil
        switch (old.state, target) {
        case (.resolved, _):
            next.state = target
            next.openedAt = now
            return (next, FindingTransition(findingID: fresh.id, rule: fresh.rule, from: .resolved, to: target, at: now, reason: "found again"))
        case (.suppressed, .suppressed), (.open, .open):
            next.state = old.state
            next.openedAt = old.openedAt
            return (next, nil)
        case (.acknowledged, .open):
            next.state = .acknowledged
            next.openedAt = old.openedAt
            return (next, nil)
        case (.suppressed, .open):
            next.state = .open
            next.openedAt = old.openedAt
            return (next, FindingTransition(findingID: fresh.id, rule: fresh.rule, from: .suppressed, to: .open, at: now,
                                            reason: "exception \(old.exception ?? "") expired or was removed"))
        case (_, .suppressed):
            next.state = .suppressed
            next.openedAt = old.openedAt
            return (next, FindingTransition(findingID: fresh.id, rule: fresh.rule, from: old.state, to: .suppressed, at: now,
                                            reason: "covered by exception \(fresh.exception ?? "")"))
        default:
            next.state = old.state
            next.openedAt = old.openedAt
            return (next, nil)
        }
    }

    /// `suppressed` counts every reported finding an exception covers now; the others count once
    /// as opened, reopened or still open.
    private static func count(old: Finding?, next: Finding, into result: inout Result) {
        if next.state == .suppressed {
            result.suppressed += 1
        } else if let old {
            if old.state == .resolved { result.reopened += 1 } else { result.stillOpen += 1 }
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
