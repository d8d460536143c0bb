import KeywardCore
import SQLKit

/// Where a stored finding came from. Each source reconciles only its own findings, so a policy
/// evaluation never resolves what an import, an offboarding or a review raised.
public enum FindingSource: String, Sendable, Codable, CaseIterable {
    /// The policy engine (every rule of the loaded policy).
    case policy
    /// An import's own checks (root account use, console passwords on machine users).
    case importer = "import"
    /// `owners offboard`: external credentials of a departed owner.
    case offboarding
    /// Access reviews: overdue answers and revocations an owner asked for.
    case review
    /// Leak reports (GitHub secret scanning, signed reporters): `leaked-key` findings.
    case leak
    /// Usage monitoring: anomalies found in flushed usage (`anomaly-…` rules).
    case anomaly
    /// Connectors: a provider that refused to deactivate or delete a key (`remediation-refused`).
    case remediation
}

/// Mapping between ``KeywardCore/Finding`` and a row of `findings`.
enum FindingRow {
    static let columns = """
        id, source, rule, severity, severity_rank, subject_kind, subject_id, provider, external_id, owner, owner_folded, identity, \
        message, remediation, frameworks, state, opened_at, exception, resolved_at, updated_at
        """

    static let updatable = [
        "source", "rule", "severity", "severity_rank", "subject_kind", "subject_id", "provider", "external_id", "owner", "owner_folded",
        "identity", "message", "remediation", "frameworks", "state", "opened_at", "exception", "resolved_at", "updated_at",
    ]

    /// 0 (info) to 4 (critical): stored so that "at least high" and "worst first" are SQL.
    static func rank(_ severity: FindingSeverity) -> Int {
        FindingSeverity.allCases.firstIndex(of: severity) ?? 0
    }

    static func values(_ finding: Finding, source: FindingSource, at now: Timestamp) -> SQLQueryString {
        let subject = finding.subject
        return """
            (\(bind: finding.id), \(bind: source.rawValue), \(bind: finding.rule), \(bind: finding.severity.rawValue), \
            \(bind: rank(finding.severity)), \(bind: subject.kind.rawValue), \(bind: subject.id), \(bind: subject.provider.rawValue), \
            \(bind: subject.externalID), \(bind: subject.owner), \(bind: OwnerColumn.folded(subject.owner)), \(bind: subject.identity), \
            \(bind: finding.message), \(bind: finding.remediation), \(bind: ColumnJSON.text(finding.frameworks.map(\.description))), \
            \(bind: finding.state.rawValue), \(bind: finding.openedAt.millisecondsSinceEpoch), \(bind: finding.exception), \
            \(bind: finding.resolvedAt?.millisecondsSinceEpoch), \(bind: now.millisecondsSinceEpoch))
            """
    }

    static func decode(_ row: any SQLRow) throws -> Finding {
        let subject = FindingSubject(
            kind: try row.enumeration("subject_kind", as: FindingSubject.Kind.self), id: try row.text("subject_id"),
            provider: try row.enumeration("provider", as: InventoryProvider.self), externalID: try row.optionalText("external_id"),
            owner: try row.optionalText("owner"), identity: try row.optionalText("identity")
        )
        let frameworks = try ColumnJSON.strings(try row.text("frameworks"), column: "frameworks").map { text in
            guard let reference = FrameworkReference(text) else { throw StoreError.corrupt("finding framework \"\(text.prefix(40))\" is not FRAMEWORK:ITEM") }
            return reference
        }
        var finding = Finding(
            rule: try row.text("rule"), severity: try row.enumeration("severity", as: FindingSeverity.self), subject: subject,
            message: try row.text("message"), remediation: try row.text("remediation"), frameworks: frameworks,
            state: try row.enumeration("state", as: FindingState.self), openedAt: try row.timestamp("opened_at"),
            exception: try row.optionalText("exception"), resolvedAt: try row.optionalTimestamp("resolved_at")
        )
        finding.id = try row.text("id")
        return finding
    }

    static let transitionColumns = "finding_id, rule, from_state, to_state, at, reason, actor"

    static func values(_ transition: FindingTransition, actor: String) -> SQLQueryString {
        """
        (\(bind: transition.findingID), \(bind: transition.rule), \(bind: transition.from?.rawValue), \(bind: transition.to.rawValue), \
        \(bind: transition.at.millisecondsSinceEpoch), \(bind: transition.reason), \(bind: actor))
        """
    }

    static func decodeTransition(_ row: any SQLRow) throws -> (FindingTransition, actor: String) {
        let from = try row.optionalText("from_state")
        let transition = FindingTransition(
            findingID: try row.text("finding_id"), rule: try row.text("rule"),
            from: try from.map { text in
                guard let state = FindingState(rawValue: text) else { throw StoreError.corrupt("unknown finding state \(text.prefix(20))") }
                return state
            },
            to: try row.enumeration("to_state", as: FindingState.self), at: try row.timestamp("at"), reason: try row.text("reason")
        )
        return (transition, try row.text("actor"))
    }
}
