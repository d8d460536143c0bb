import Foundation
import KeywardCore
import KeywardPolicy
import KeywardStore

extension GovernanceService {
    static let checksSetting = "governance.last_checks"
    static let evaluatedAtSetting = "governance.last_evaluated_at"

    /// Evaluates the policy in force over the whole inventory and brings the stored findings up
    /// to date through ``KeywardCore/FindingReconciler``: new ones open, gone ones resolve, an
    /// acknowledgement survives, exceptions suppress and expire. Review findings (overdue answers,
    /// external revocations still pending) are refreshed in the same transaction. Writes an audit
    /// event when a finding opened, reopened or resolved.
    @discardableResult
    public func evaluate(actor: String = "policy") async throws -> EvaluationSummary {
        try await serial.withLock {
            let now = clock.now()
            let loaded = policy
            let (items, owners) = try await snapshot(now: now)
            let evaluation = try await Offload.run { PolicyEngine(policy: loaded.policy).evaluate(items, owners: owners, now: now) }
            let checks = try JSONEncoder().encode(evaluation.checks)
            return try await store.governanceWrite { sql in
                let previous = try await sql.findings(source: .policy)
                let reconciled = try await Offload.run {
                    FindingReconciler.reconcile(previous: previous, evaluated: evaluation.findings, now: now)
                }
                try await sql.upsertFindings(reconciled.findings, source: .policy, at: now)
                try await sql.appendTransitions(reconciled.transitions, actor: actor)
                try await sql.setSetting(Self.checksSetting, String(decoding: checks, as: UTF8.self))
                try await sql.setSetting(Self.evaluatedAtSetting, now.iso8601)
                let review = try await Self.refreshReviewFindings(sql, now: now, actor: actor)
                let summary = EvaluationSummary(
                    policy: loaded.policy.name, evaluatedAt: now, items: items.count, findings: evaluation.findings.count + review.evaluated,
                    opened: reconciled.opened + review.result.opened, reopened: reconciled.reopened + review.result.reopened,
                    resolved: reconciled.resolved + review.result.resolved, suppressed: reconciled.suppressed + review.result.suppressed,
                    stillOpen: reconciled.stillOpen + review.result.stillOpen, unchanged: reconciled.unchanged + review.result.unchanged)
                if summary.opened + summary.reopened + summary.resolved > 0 {
                    try await sql.audit([Self.evaluatedEvent(summary, actor: actor, sha256: loaded.sha256)], at: now)
                }
                return summary
            }
        }
    }

    static func evaluatedEvent(_ summary: EvaluationSummary, actor: String, sha256: String) -> AuditDraft {
        AuditDraft(actor: actor, action: "findings.evaluated", subjectKind: "policy", subjectID: summary.policy, details: [
            "policy_sha256": .string(sha256), "items": .number(Double(summary.items)), "opened": .number(Double(summary.opened)),
            "reopened": .number(Double(summary.reopened)), "resolved": .number(Double(summary.resolved)),
            "suppressed": .number(Double(summary.suppressed)),
        ])
    }

    /// Evaluates `policy` (the one in force when nil) over the current inventory without storing
    /// anything, beside every stored finding of the other sources: `keyward policy check` and
    /// `POST /v1/policy/check` (see ``PolicyGate``).
    public func gate(_ policy: Policy? = nil) async throws -> PolicyGate {
        let now = clock.now()
        let rules = policy ?? self.policy.policy
        let (items, owners) = try await snapshot(now: now)
        let stored = try await store.governanceRead { sql in try await sql.currentFindingsWithSource() }
        let evaluation = try await Offload.run { PolicyEngine(policy: rules).evaluate(items, owners: owners, now: now) }
        return PolicyGate(evaluation: evaluation, stored: stored)
    }

    /// When the policy was last evaluated and its findings stored (by the server's schedule, a
    /// `findings evaluate`, or the dashboard), or nil if never: how current the stored findings are.
    public func lastEvaluatedAt() async throws -> Timestamp? {
        try await store.setting(Self.evaluatedAtSetting).flatMap { Timestamp(iso8601: $0) }
    }

    /// The rule results of the last stored evaluation (the report's framework view), if any.
    public func lastChecks() async throws -> [CheckResult]? {
        guard let text = try await store.setting(Self.checksSetting) else { return nil }
        return try? JSONDecoder().decode([CheckResult].self, from: Data(text.utf8))
    }

    /// Puts `loaded` in force. Records a `policy.loaded` audit event when its text differs from
    /// the policy recorded last (so restarting with the same file writes nothing).
    public func usePolicy(_ loaded: LoadedPolicy, by principal: Principal) async throws {
        let now = clock.now()
        try await store.governanceWrite { sql in
            guard try await sql.setting(Self.policySetting) != loaded.sha256 else { return }
            try await sql.setSetting(Self.policySetting, loaded.sha256)
            var details: [String: JSONValue] = [
                "file": .string(loaded.file), "sha256": .string(loaded.sha256), "name": .string(loaded.policy.name),
                "rules": .number(Double(loaded.policy.rules.count)), "exceptions": .number(Double(loaded.policy.exceptions.count)),
            ]
            if loaded.isDefault { details["default"] = .bool(true) }
            if let address = principal.address { details["source_address"] = .string(address) }
            try await sql.audit([AuditDraft(actor: principal.id, action: "policy.loaded", subjectKind: "policy", subjectID: loaded.policy.name,
                                            details: details)], at: now)
        }
        replacePolicy(loaded)
        changes.signal()
    }

    static let policySetting = "governance.policy_sha256"
}
