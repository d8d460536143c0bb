import KeywardCore

/// One rule with the exceptions active at `now`: turns verdicts into findings, suppressed where
/// an exception covers the subject. A class, so that the inner loop over millions of
/// (item, rule) pairs passes one reference instead of copying the rule's arrays and strings.
final class RuleJudge: Sendable {
    let rule: PolicyRule
    let exceptions: [PolicyException]
    let now: Timestamp
    // The parts of the rule the inner loop reads, held directly so it never copies the rule.
    private let check: PolicyCheck
    private let selector: InventorySelector
    private let exclude: [InventorySelector]
    private let liveOnly: Bool
    /// Items created after this are inside the rule's grace period.
    private let graceStart: Timestamp?

    init(rule: PolicyRule, exceptions: [PolicyException], now: Timestamp) {
        self.rule = rule
        self.exceptions = exceptions
        self.now = now
        check = rule.check
        selector = rule.selector
        exclude = rule.exclude
        liveOnly = rule.selector.statuses == nil
        graceStart = rule.graceDays.map { now.adding(seconds: -$0 * 86_400) }
    }

    /// ``PolicyRule/applies(to:)`` without the copy.
    func applies(to item: InventoryItem) -> Bool {
        if liveOnly && !item.status.isLive { return false }
        guard selector.matches(item) else { return false }
        for excluded in exclude where excluded.matches(item) { return false }
        return true
    }

    /// Inside the rule's grace period (``PolicyRule/graceDays``), counted from creation.
    func isInGrace(_ item: InventoryItem) -> Bool {
        guard let graceStart, let created = item.createdAt else { return false }
        return created > graceStart
    }

    var isPerIdentity: Bool {
        if case .multipleActiveKeys = rule.check { return true }
        return false
    }

    /// Evaluates the per-item rules over a slice, item by item, so each item is read once and the
    /// texts its findings share (description, remediation) are built at most once whatever number
    /// of rules it fails. One outcome per judge. Items are read in place, not copied: a copy of
    /// an item retains a dozen strings and arrays, millions of times.
    static func evaluate(_ judges: [RuleJudge], over items: ArraySlice<InventoryItem>, owners: OwnerRegistry) -> [RuleOutcome] {
        var outcomes = judges.map { _ in RuleOutcome() }
        items.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                evaluate(judges, item: buffer[index], owners: owners, into: &outcomes)
            }
        }
        return outcomes
    }

    private static func evaluate(_ judges: [RuleJudge], item: InventoryItem, owners: OwnerRegistry, into outcomes: inout [RuleOutcome]) {
        var text = ItemText()
        for slot in judges.indices {
            let judge = judges[slot]
            guard judge.applies(to: item) else { continue }
            outcomes[slot].evaluated += 1
            guard !judge.isInGrace(item) else { continue }
            if let verdict = ItemCheck.verdict(judge.check, item: item, text: &text, owners: owners, now: judge.now) {
                judge.record(subject: item.subject, name: item.name, verdict: verdict, into: &outcomes[slot])
            }
        }
    }

    func evaluatePerIdentity(_ items: [InventoryItem]) -> RuleOutcome {
        guard case .multipleActiveKeys(let max) = rule.check else { return RuleOutcome() }
        var outcome = RuleOutcome()
        outcome.evaluated = IdentityCheck.evaluate(rule: rule, max: max, items: items) { subject, name, verdict in
            record(subject: subject, name: name, verdict: verdict, into: &outcome)
        }
        return outcome
    }

    func record(subject: FindingSubject, name: String?, verdict: Verdict, into outcome: inout RuleOutcome) {
        var finding = Finding(rule: rule.id, severity: rule.severity, subject: subject, message: verdict.message,
                              remediation: verdict.remediation, frameworks: rule.frameworks, openedAt: now)
        if let exception = exceptions.first(where: { $0.covers(subject, name: name) }) {
            finding.state = .suppressed
            finding.exception = exception.id
            outcome.suppressed += 1
        } else {
            outcome.failing += 1
        }
        outcome.findings.append(finding)
    }

    func result(_ outcome: RuleOutcome) -> CheckResult {
        CheckResult(rule: rule.id, check: rule.check.name.rawValue, severity: rule.severity, frameworks: rule.frameworks,
                    summary: rule.description ?? rule.check.name.summary, evaluated: outcome.evaluated,
                    failing: outcome.failing, suppressed: outcome.suppressed)
    }
}
