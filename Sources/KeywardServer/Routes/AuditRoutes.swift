import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardStore

/// `/v1/audit`: the hash-chained event log, newest first, and its verification.
enum AuditRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        [
            APIRoute(.get, "/v1/audit", scope: "keyward:read") { request, _, _ in
                let limit = try request.intQuery("limit") ?? 100
                let before = try request.intQuery("before").map(Int64.init)
                let subject = try request.query("subject_id")
                let events = try await node.store.auditEvents(subjectID: subject, before: before, limit: limit)
                let next = events.count == limit ? events.last?.sequence : nil
                return try JSONBody.response(AuditEventList(events: events, nextBefore: next))
            },
            APIRoute(.get, "/v1/audit/verify", scope: "keyward:read") { _, _, _ in
                let result = try await node.store.verifyAuditChain()
                return try JSONBody.response(AuditVerifyObject(result))
            },
        ]
    }
}

extension AuditVerifyObject {
    init(_ result: AuditVerification) {
        self.init(
            intact: result.problem == nil, events: result.eventCount, headSequence: result.headSequence,
            headHash: result.headHash, firstBadEvent: result.problem?.sequence, problem: result.problem?.description
        )
    }
}
