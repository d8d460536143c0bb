import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardStore

/// `/v1/findings…`: governance findings (policy, imports, offboarding, reviews) with their state
/// and history; acknowledgement; evaluation on demand.
enum FindingRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let governance = node.governance
        return [
            APIRoute(.get, "/v1/findings", scope: "keyward:read") { request, _, _ in
                var filter = FindingFilter()
                filter.states = try request.enumList("state", as: FindingState.self)
                filter.severities = try request.enumList("severity", as: FindingSeverity.self)
                filter.minimumSeverity = try request.enumQuery("min_severity", as: FindingSeverity.self)
                filter.rule = try request.query("rule")
                filter.owner = try request.query("owner")
                filter.framework = try request.query("framework")
                filter.subjectID = try request.query("subject")
                filter.limit = try request.intQuery("limit") ?? FindingFilter.defaultLimit
                filter.cursor = try request.query("cursor")
                let page = try await governance.findings(filter)
                return try JSONBody.response(FindingListObject(findings: page.findings, nextCursor: page.nextCursor,
                                                               evaluatedAt: try await governance.lastEvaluatedAt()))
            },
            APIRoute(.get, "/v1/findings/{id}", scope: "keyward:read") { _, context, _ in
                let found = try await governance.finding(id: try context.textParameter("id", as: .findingID))
                return try JSONBody.response(FindingDetailObject(finding: found.finding, history: found.history))
            },
            APIRoute(.post, "/v1/findings/{id}/acknowledge", scope: "keyward:write") { request, context, credential in
                let id = try context.textParameter("id", as: .findingID)
                let body = try await KeyRoutes.optionalBody(AcknowledgeBody.self, request, context, allowed: ["note"])
                let credential = credential!
                let finding = try await governance.acknowledge(id: id, note: body?.note, by: credential.principal, name: credential.key.owner)
                return try JSONBody.response(finding)
            },
            // Runs an evaluation now instead of waiting for the next change or the schedule.
            APIRoute(.post, "/v1/findings/evaluate", scope: "keyward:write") { _, _, credential in
                try JSONBody.response(try await governance.evaluate(actor: credential!.principal.id))
            },
        ]
    }
}
