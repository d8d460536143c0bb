import KeywardCore
import KeywardStore

/// What a provider said to one remediation, as the governance layer records it (the connector
/// module's answer, in plain terms).
public struct RemediationRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case done, alreadyDone = "already_done", refused
    }

    public var recordID: String
    public var action: RemediationAction
    public var outcome: Outcome
    /// The provider's answer, short and secret-free.
    public var providerAnswer: String
    public var connector: String
    public var reason: String
    /// How the remediation was asked for: `api`, `cli`, `offboarding`, `review`, `leak`, `policy`, `drill`.
    public var via: String

    public init(recordID: String, action: RemediationAction, outcome: Outcome, providerAnswer: String, connector: String, reason: String, via: String) {
        self.recordID = recordID
        self.action = action
        self.outcome = outcome
        self.providerAnswer = providerAnswer
        self.connector = connector
        self.reason = reason
        self.via = via
    }
}

extension GovernanceService {
    /// The rule of the finding a provider's refusal leaves open.
    public static let remediationRefusedRule = "remediation-refused"

    /// Records what a provider answered to a remediation of an inventory record, in one
    /// transaction: on success the record becomes `disabled` (deactivate) or `deleted`, an open
    /// `remediation-refused` finding about it resolves, and `key.deactivated` is audited (and so
    /// delivered to webhooks); on a refusal a `remediation-refused` finding opens (or stays open)
    /// with the provider's words, and `key.deactivation_refused` is audited. Returns the record as stored.
    @discardableResult
    public func recordRemediation(_ remediation: RemediationRecord, by principal: Principal) async throws -> InventoryRecord {
        let clock = self.clock
        let record = try await store.governanceWrite { sql -> InventoryRecord in
            let now = clock.now()
            guard var record = try await sql.record(id: remediation.recordID) else {
                throw KeywardError.notFound("no inventory record \(remediation.recordID)")
            }
            let subject = FindingSubject(kind: .externalKey, id: record.id, provider: record.provider, externalID: record.externalID,
                                         owner: record.owner, identity: record.identity)
            let findingID = Finding.fingerprint(rule: Self.remediationRefusedRule, subject: subject)
            let previous = try await sql.finding(id: findingID)
            var details: [String: JSONValue] = [
                "record_id": .string(record.id), "provider": .string(record.provider.rawValue), "connector": .string(remediation.connector),
                "action": .string(remediation.action.rawValue), "outcome": .string(remediation.outcome.rawValue),
                "provider_answer": .string(remediation.providerAnswer), "reason": .string(remediation.reason), "via": .string(remediation.via),
                "external_id": record.externalID.map(JSONValue.string) ?? .null, "identity": record.identity.map(JSONValue.string) ?? .null,
                "owner": record.owner.map(JSONValue.string) ?? .null,
            ]
            if let address = principal.address { details["source_address"] = .string(address) }
            var events: [AuditDraft] = []
            if remediation.outcome == .refused {
                var finding = Finding(
                    rule: Self.remediationRefusedRule, severity: .high, subject: subject,
                    message: "\(remediation.connector) could not \(remediation.action.rawValue) \(record.externalID ?? record.id) at \(record.provider.rawValue): \(remediation.providerAnswer)",
                    remediation: "Grant the connector's credential the permission in docs/governance.md (Connectors), or \(remediation.action.rawValue) the key at the provider by hand, then sync the connector.",
                    frameworks: [.nhi(7), .csf("RS.MI-01")], openedAt: previous?.openedAt ?? now)
                if let previous, previous.state != .resolved {
                    finding.state = previous.state
                } else {
                    try await sql.appendTransitions([FindingTransition(findingID: finding.id, rule: finding.rule, from: previous?.state, to: .open, at: now,
                                                                       reason: "the provider refused")], actor: principal.id)
                }
                try await sql.upsertFindings([finding], source: .remediation, at: now)
                events.append(AuditDraft(actor: principal.id, action: "key.deactivation_refused", subjectKind: "inventory", subjectID: record.id, details: details))
            } else {
                record.status = remediation.action == .delete ? .deleted : .disabled
                try await sql.upsertRecords([record], at: now)
                if var open = previous, open.state != .resolved {
                    let from = open.state
                    open.state = .resolved
                    open.resolvedAt = now
                    try await sql.updateState(of: open, at: now)
                    try await sql.appendTransitions([FindingTransition(findingID: open.id, rule: open.rule, from: from, to: .resolved, at: now,
                                                                       reason: "the provider \(remediation.action.rawValue)d the key")], actor: principal.id)
                }
                events.append(AuditDraft(actor: principal.id, action: "key.deactivated", subjectKind: "inventory", subjectID: record.id, details: details))
            }
            try await sql.audit(events, at: now)
            return record
        }
        changes.signal()
        return record
    }
}
