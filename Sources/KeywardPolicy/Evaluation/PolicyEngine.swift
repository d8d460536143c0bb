import KeywardCore

/// Evaluates a policy over the inventory: every rule over every credential it selects, each
/// violation a ``Finding`` with a plain-language message, a remediation and framework references.
///
/// Pure and deterministic: the same items, owners and `now` give the same findings with the same
/// ids, which is what lets ``FindingReconciler`` keep state between evaluations.
public struct PolicyEngine: Sendable {
    public let policy: Policy
    private let exceptionsByRule: [String: [PolicyException]]

    public init(policy: Policy) {
        self.policy = policy
        exceptionsByRule = Dictionary(grouping: policy.exceptions, by: \.rule)
    }

    public func evaluate(_ items: [InventoryItem], owners: OwnerRegistry = OwnerRegistry(), now: Timestamp) -> PolicyEvaluation {
        var findings: [Finding] = []
        var checks: [CheckResult] = []
        for rule in policy.rules {
            let exceptions = (exceptionsByRule[rule.id] ?? []).filter { $0.isActive(at: now) }
            var result = CheckResult(rule: rule.id, check: rule.check.name.rawValue, severity: rule.severity,
                                     frameworks: rule.frameworks, summary: rule.description ?? rule.check.name.summary,
                                     evaluated: 0, failing: 0, suppressed: 0)
            let emit: (FindingSubject, String?, Verdict) -> Void = { subject, name, verdict in
                var finding = Finding(rule: rule.id, severity: rule.severity, subject: subject, message: verdict.message,
                                      remediation: verdict.remediation, frameworks: rule.frameworks, openedAt: now)
                if let exception = exceptions.first(where: { $0.covers(subject, name: name) }) {
                    finding.state = .suppressed
                    finding.exception = exception.id
                    result.suppressed += 1
                } else {
                    result.failing += 1
                }
                findings.append(finding)
            }
            if case .multipleActiveKeys(let max) = rule.check {
                result.evaluated = IdentityCheck.evaluate(rule: rule, max: max, items: items, emit: emit)
            } else {
                for item in items where rule.applies(to: item) {
                    result.evaluated += 1
                    if let verdict = ItemCheck.verdict(rule.check, item: item, owners: owners, now: now) {
                        emit(item.subject, item.name, verdict)
                    }
                }
            }
            checks.append(result)
        }
        return PolicyEvaluation(findings: findings, checks: checks, evaluatedAt: now)
    }
}

/// A failed check, in words.
struct Verdict {
    var message: String
    var remediation: String
}
