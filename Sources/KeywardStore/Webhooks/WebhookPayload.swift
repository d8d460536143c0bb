import KeywardCore

/// The body of a delivery, Standard Webhooks style: `{"type", "timestamp", "data"}`, written
/// once when the delivery is queued (canonical JSON, sorted members) and sent byte for byte on
/// every attempt, so the signature covers exactly what was stored.
///
/// `data` is built from the audit event's details, which never carry a secret (a key's
/// plaintext is never written to the audit log), plus the event's subject, actor and sequence
/// number, so a receiver can fetch the full audit record.
enum WebhookPayload {
    static func audit(_ event: AuditEvent, owner: String?) -> String {
        var data = event.details
        data["subject"] = .object(["kind": .string(event.subjectKind), "id": .string(event.subjectID)])
        data["actor"] = .string(event.actor)
        data["event_seq"] = .number(Double(event.sequence))
        if data["owner"] == nil, let owner { data["owner"] = .string(owner) }
        return envelope(type: event.action, at: event.occurredAt, data: data)
    }

    /// `finding.opened`, from a finding's history row and the finding as stored.
    static func finding(_ opened: OpenedFinding, event: AuditEvent) -> String {
        var subject: [String: JSONValue] = ["kind": .string(opened.subjectKind), "id": .string(opened.subjectID)]
        if let provider = opened.provider { subject["provider"] = .string(provider) }
        if let externalID = opened.externalID { subject["external_id"] = .string(externalID) }
        if let owner = opened.owner { subject["owner"] = .string(owner) }
        var data: [String: JSONValue] = [
            "id": .string(opened.findingID), "rule": .string(opened.rule), "subject": .object(subject),
            "reopened": .bool(opened.reopened), "reason": .string(opened.reason), "actor": .string(event.actor),
            "event_seq": .number(Double(event.sequence)),
        ]
        if let severity = opened.severity { data["severity"] = .string(severity) }
        if let source = opened.source { data["source"] = .string(source) }
        if let message = opened.message { data["message"] = .string(message) }
        if let owner = opened.owner { data["owner"] = .string(owner) }
        return envelope(type: WebhookEventType.findingOpened.rawValue, at: event.occurredAt, data: data)
    }

    static func envelope(type: String, at time: Timestamp, data: [String: JSONValue]) -> String {
        JSONValue.object(["type": .string(type), "timestamp": .string(time.iso8601), "data": .object(data)]).canonicalJSON
    }
}

/// A finding's transition to `open` (first seen, or found again after it was resolved), joined
/// with the finding's current row.
struct OpenedFinding: Sendable {
    var transitionSequence: Int64
    var findingID: String
    var rule: String
    var reopened: Bool
    var reason: String
    /// Who raised it: policy, import, offboarding, review, leak, anomaly, remediation.
    var source: String?
    var severity: String?
    var subjectKind: String
    var subjectID: String
    var provider: String?
    var externalID: String?
    var owner: String?
    var message: String?
}
