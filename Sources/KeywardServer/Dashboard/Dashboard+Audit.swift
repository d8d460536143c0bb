import Hummingbird
import KeywardCore

extension Dashboard {
    static let auditPageSize = 100

    /// The audit log newest first, by action and/or subject, 100 events a page.
    func audit(_ request: Request, user: DashboardUser) async throws -> Response {
        let parameters = request.uri.queryParameters
        func value(_ name: String) throws -> String? {
            guard let text = parameters[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard text.count <= 128 else { throw DashboardError.badRequest("\(name) must be at most 128 characters") }
            return text
        }
        let action = try value("action")
        let subject = try value("subject")
        let before = try value("before").map { text -> Int64 in
            guard let number = Int64(text), number > 0 else { throw DashboardError.badRequest("before must be a positive event number") }
            return number
        }
        let events = try await node.store.dashboardAuditEvents(action: action, subjectID: subject, before: before, limit: Self.auditPageSize)
        let actors = try await actorKeys(events)
        var values: [String: Any] = ["events": events.map { eventRow($0, actors: actors) }, "hasEvents": !events.isEmpty, "action": action ?? "", "subject": subject ?? ""]
        if events.count == Self.auditPageSize, let last = events.last {
            values["next"] = "/ui/audit?" + URLText.query([("action", action), ("subject", subject), ("before", String(last.sequence))])
        }
        return renderer.page("audit", title: "Audit log", section: "audit", user: user, context: values)
    }

    /// Recomputes the whole hash chain (as `keyward audit verify` does) and shows the result.
    func verifyAudit(user: DashboardUser) async throws -> Response {
        let result = try await node.store.verifyAuditChain()
        let values: [String: Any] = [
            "intact": result.problem == nil, "events": result.eventCount, "headSequence": result.headSequence, "headHash": result.headHash,
            "problem": result.problem?.description ?? "",
        ]
        return renderer.page("audit-verify", title: "Audit chain", section: "audit", user: user, context: values)
    }
}
