import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardGovernance

/// `/v1/reviews…`: access-review campaigns, owners' answers, closing, and the evidence export.
enum ReviewRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let governance = node.governance
        return [
            APIRoute(.post, "/v1/reviews", scope: "keyward:write") { request, context, credential in
                let body = try await JSONBody.decode(ReviewStartBody.self, from: request, context: context, allowed: ["name", "selector", "due_days"],
                                               nested: ["selector": SelectorObject.members])
                let selector = body.selector ?? SelectorObject()
                let name = body.name ?? "Access review \(node.clock.now().iso8601.prefix(10))"
                let campaign = try await governance.startReview(name: name, selector: try selector.selector(), scopeDescription: selector.description,
                                                                dueInDays: body.dueDays ?? 14, by: credential!.principal)
                return try JSONBody.response(ReviewDetailObject(campaign, now: node.clock.now()), status: .created)
            },
            APIRoute(.get, "/v1/reviews", scope: "keyward:read") { request, _, _ in
                let status = try request.query("status").map { text in
                    guard let status = ReviewCampaign.Status(rawValue: text) else {
                        throw APIError.badRequest("status must be open or closed, got \"\(text.prefix(20))\"")
                    }
                    return status
                }
                let now = node.clock.now()
                let campaigns = try await governance.reviews(status: status)
                return try JSONBody.response(ReviewListObject(reviews: campaigns.map { ReviewSummaryObject($0, now: now) }))
            },
            APIRoute(.get, "/v1/reviews/{id}", scope: "keyward:read") { _, context, _ in
                let campaign = try await governance.review(id: try context.textParameter("id", as: .reviewID))
                return try JSONBody.response(ReviewDetailObject(campaign, now: node.clock.now()))
            },
            // Only the credential's owner (the owner of the key making the request) answers,
            // unless the request carries keyward:admin.
            APIRoute(.post, "/v1/reviews/{id}/attest", scope: "keyward:write") { request, context, credential in
                let id = try context.textParameter("id", as: .reviewID)
                let body = try await JSONBody.decode(AttestBody.self, from: request, context: context, allowed: ["subject", "decision", "justification"])
                let credential = credential!
                let outcome = try await governance.attest(
                    campaignID: id, subject: body.subject, decision: body.decision, justification: body.justification,
                    by: credential.principal, attester: credential.key.owner, asAdministrator: credential.principal.isAdmin)
                if body.decision == .revoke, outcome.item.subject.kind == .externalKey {
                    // A revoke answer about an external key deactivates it where its connector may.
                    _ = await node.connectors.deactivateAutomatically(
                        recordIDs: [outcome.item.subject.id], reason: "access review \"\(outcome.campaign.name)\": answered revoke", via: "review",
                        by: credential.principal)
                }
                return try JSONBody.response(AttestResultObject(review: ReviewSummaryObject(outcome.campaign, now: node.clock.now()), item: outcome.item,
                                                                revokedKey: outcome.revokedKey?.id.description))
            },
            APIRoute(.post, "/v1/reviews/{id}/close", scope: "keyward:write") { _, context, credential in
                let campaign = try await governance.closeReview(id: try context.textParameter("id", as: .reviewID), by: credential!.principal)
                return try JSONBody.response(ReviewSummaryObject(campaign, now: node.clock.now()))
            },
            APIRoute(.get, "/v1/reviews/{id}/evidence", scope: "keyward:read") { _, context, _ in
                try JSONBody.response(try await governance.evidence(id: try context.textParameter("id", as: .reviewID)))
            },
        ]
    }
}
