import Hummingbird
import KeywardCore
import KeywardStore

extension Dashboard {
    /// What can be done to a key from its page. Each goes through a confirmation page first.
    enum KeyAction: String, CaseIterable {
        case rotate, disable, enable, revoke

        var verb: String {
            switch self {
            case .rotate: return "Rotate"
            case .disable: return "Disable"
            case .enable: return "Enable"
            case .revoke: return "Revoke"
            }
        }

        /// Whether the key's status allows this action now (the service checks again).
        func applies(to record: KeyRecord, status: KeyStatus) -> Bool {
            switch self {
            case .rotate: return (status == .active || status == .rotating) && record.rotatedTo == nil
            case .disable: return status == .active || status == .rotating
            case .enable: return status == .disabled
            case .revoke: return status != .revoked
            }
        }
    }

    static let graceChoices: [(seconds: Int64, label: String)] = [
        (0, "none: the old key stops at once"), (3600, "1 hour"), (86_400, "1 day"), (7 * 86_400, "7 days"), (30 * 86_400, "30 days"),
    ]

    static func keyID(_ context: KeywardRequestContext) throws -> KeyID {
        let text = context.parameters.get("id") ?? ""
        guard let id = KeyID(text) else { throw DashboardError.notFound(GivenIdentifier.keyID.message(text) { "There is no key with \($0)." }) }
        return id
    }

    static func keyAction(_ context: KeywardRequestContext) throws -> KeyAction {
        guard let action = KeyAction(rawValue: context.parameters.get("action") ?? "") else { throw DashboardError.notFound("There is no such action.") }
        return action
    }

    func keyPage(_ request: Request, context: KeywardRequestContext, user: DashboardUser) async throws -> Response {
        let id = try Self.keyID(context)
        let record = try await node.keys.key(id: id)
        let object = node.present(record)
        let now = node.clock.now()
        let status = record.status(at: now)
        var filter = FindingFilter()
        filter.subjectID = id.description
        filter.limit = 100
        let findings = try await node.governance.findings(filter).findings
        let events = try await node.store.auditEvents(subjectID: id.description, limit: 50)
        let actors = try await actorKeys(events)
        let actions: [[String: Any]] = user.canWrite
            ? KeyAction.allCases.filter { $0.applies(to: record, status: status) }.map { ["href": "/ui/keys/\(id)/confirm/\($0.rawValue)", "label": $0.verb + "…", "action": $0.rawValue] }
            : []
        var values: [String: Any] = [
            "id": id.description, "name": record.name, "owner": record.owner, "display": record.redacted, "environment": record.environment,
            "scopes": record.scopes.isEmpty ? "—" : record.scopes.joined(separator: ", "), "status": status.rawValue,
            "created": DashboardFormat.time(record.createdAt), "age": DashboardFormat.age(record.createdAt, now: now),
            "expires": DashboardFormat.time(record.expiresAt),
            "lastUsed": object.lastUsedAt.map { DashboardFormat.time($0) + " (" + DashboardFormat.ago($0, now: now) + ")" } ?? "never",
            "uses": object.useCount,
            "actions": actions, "hasActions": !actions.isEmpty, "readOnly": !user.canWrite, "canWrite": user.canWrite, "csrf": user.csrfToken,
            "findings": findings.map(findingRow), "hasFindings": !findings.isEmpty,
            "events": events.map { eventRow($0, actors: actors) }, "hasEvents": !events.isEmpty,
            "auditLink": "/ui/audit?" + URLText.query([("subject", id.description)]),
        ]
        // Absent rather than empty: Mustache treats an empty string as true.
        if !record.meta.isEmpty { values["meta"] = JSONValue.object(record.meta).canonicalJSON }
        if let revoked = record.revokedAt { values["revoked"] = DashboardFormat.time(revoked); values["reason"] = record.revokeReason ?? "—" }
        if let from = record.rotatedFrom { values["rotatedFrom"] = from.description }
        if let to = record.rotatedTo { values["rotatedTo"] = to.description }
        if let rate = record.rateLimit { values["rateLimit"] = "\(rate.limit) per \(rate.windowSeconds) s" }
        if !record.allowedCIDRs.isEmpty { values["cidrs"] = record.allowedCIDRs.map(\.description).joined(separator: ", ") }
        if let done = request.uri.queryParameters["done"].flatMap({ KeyAction(rawValue: String($0)) }) {
            values["notice"] = "The key was \(done == .rotate ? "rotated" : done.rawValue + "d")."
        }
        let usage = try await usageSection(id: id, record: record, now: now)
        values.merge(usage) { _, new in new }
        return renderer.page("key", title: record.name, section: "inventory", user: user, context: values)
    }

    /// The confirmation step of every key action: what will happen, the choices it needs, and
    /// a form carrying the CSRF token. A read-only user is refused here too.
    func confirmKeyAction(_ request: Request, context: KeywardRequestContext, user: DashboardUser) async throws -> Response {
        guard user.canWrite else { throw DashboardError.readOnly }
        let id = try Self.keyID(context)
        let action = try Self.keyAction(context)
        let record = try await node.keys.key(id: id)
        let status = record.status(at: node.clock.now())
        guard action.applies(to: record, status: status) else {
            throw DashboardError(status: .conflict, title: "Not possible", message: "A \(status.rawValue) key cannot be \(action == .rotate ? "rotated" : action.rawValue + "d").")
        }
        let consequence: String
        switch action {
        case .rotate: consequence = "A new key with the same name, owner, scopes and lifetime is issued and shown once. The old key keeps working for the grace period you choose, then expires."
        case .disable: consequence = "Every verification of this key answers DISABLED until it is enabled again."
        case .enable: consequence = "The key verifies again (unless it has expired)."
        case .revoke: consequence = "Every verification of this key answers REVOKED, on every node, for good. This cannot be undone."
        }
        let values: [String: Any] = [
            "id": id.description, "name": record.name, "owner": record.owner, "display": record.redacted, "status": status.rawValue,
            "action": action.rawValue, "verb": action.verb, "consequence": consequence, "csrf": user.csrfToken,
            "isRotate": action == .rotate, "isRevoke": action == .revoke, "danger": action == .revoke || action == .disable,
            "graces": Self.graceChoices.map { ["seconds": $0.seconds, "label": $0.label, "selected": $0.seconds == 86_400] },
        ]
        return renderer.page("confirm", title: "\(action.verb) \(record.name)?", section: "inventory", user: user, context: values)
    }

    func keyAction(context: KeywardRequestContext, user: DashboardUser, form: DashboardForm) async throws -> Response {
        let id = try Self.keyID(context)
        let action = try Self.keyAction(context)
        guard form["confirm"] == "yes" else { throw DashboardError.badRequest("The action was not confirmed.") }
        let principal = user.principal
        switch action {
        case .rotate:
            let grace = try form.text("grace_seconds", maximumLength: 12).map { text -> Int64 in
                guard let seconds = Int64(text), Self.graceChoices.contains(where: { $0.seconds == seconds }) else {
                    throw DashboardError.badRequest("grace must be one of the offered choices")
                }
                return seconds
            }
            let rotation = try await node.keys.rotate(id: id, graceSeconds: grace, by: principal)
            let retired = node.present(rotation.retired)
            let successor = rotation.successor.record
            // The one place a plaintext key is rendered: this answer, marked no-store, never logged.
            let values: [String: Any] = [
                "key": rotation.successor.plaintext.reveal(), "newID": successor.id.description, "oldID": id.description,
                "name": successor.name, "oldStatus": retired.status.rawValue, "oldExpires": DashboardFormat.time(retired.expiresAt),
            ]
            return renderer.page("rotated", title: "Key rotated", section: "inventory", user: user, context: values)
        case .revoke:
            guard let reason = try form.text("reason", maximumLength: RecordLimits.maximumReasonLength) else {
                throw DashboardError.badRequest("A revocation needs a reason.")
            }
            _ = try await node.keys.revoke(id: id, reason: reason, by: principal, details: ["via": "dashboard"])
        case .disable:
            _ = try await node.keys.setDisabled(id: id, true, by: principal)
        case .enable:
            _ = try await node.keys.setDisabled(id: id, false, by: principal)
        }
        return DashboardRenderer.redirect("/ui/keys/\(id)?done=\(action.rawValue)")
    }

    func findingRow(_ finding: Finding) -> [String: Any] {
        ["id": finding.id, "rule": finding.rule, "severity": finding.severity.rawValue, "state": finding.state.rawValue,
         "subject": Self.subjectLabel(finding.subject), "subjectHref": subjectLink(finding.subject),
         "owner": finding.subject.owner ?? "—", "message": finding.message, "remediation": finding.remediation,
         "frameworks": finding.frameworks.map(\.description).joined(separator: " "), "opened": DashboardFormat.day(finding.openedAt),
         "canAcknowledge": finding.state == .open]
    }

    /// A key by its name (its external id is only the redacted key); anything else by its
    /// provider's id.
    static func subjectLabel(_ subject: FindingSubject) -> String {
        if subject.kind == .key { return subject.identity ?? subject.id }
        return subject.externalID ?? subject.identity ?? subject.id
    }

    /// The keys named as actors of `events`, by id, to show who acted by name and owner.
    func actorKeys(_ events: [AuditEvent]) async throws -> [String: KeyRecord] {
        let ids = Set(events.compactMap { KeyID($0.actor) })
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await node.store.keys(ids: Array(ids)).map { ($0.id.description, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// An audit event for the events table; an actor that is a key is shown by name and owner.
    func eventRow(_ event: AuditEvent, actors: [String: KeyRecord]) -> [String: Any] {
        var row: [String: Any] = [
            "seq": event.sequence, "when": DashboardFormat.time(event.occurredAt), "actor": event.actor, "action": event.action,
            "subject": event.subjectID, "subjectKind": event.subjectKind,
            "details": event.details.isEmpty ? "—" : JSONValue.object(event.details).canonicalJSON, "hash": String(event.hash.prefix(12)),
        ]
        if let key = actors[event.actor] {
            row["actorName"] = key.name
            row["actorOwner"] = key.owner
            row["actorHref"] = "/ui/keys/\(key.id)"
        }
        return row
    }
}
