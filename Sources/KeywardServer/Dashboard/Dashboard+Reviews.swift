import Hummingbird
import KeywardCore

extension Dashboard {
    func reviews(user: DashboardUser) async throws -> Response {
        let now = node.clock.now()
        let campaigns = try await node.governance.reviews()
        let rows: [[String: Any]] = campaigns.map { campaign in
            let progress = campaign.progress
            return ["id": campaign.id, "name": campaign.name, "scope": campaign.scope, "status": campaign.status.rawValue,
                    "started": DashboardFormat.day(campaign.startedAt), "due": DashboardFormat.day(campaign.dueAt),
                    "overdue": campaign.status == .open && campaign.dueAt <= now,
                    "total": progress.total, "kept": progress.kept, "revoked": progress.revoked, "unanswered": progress.unanswered,
                    "coverage": DashboardFormat.percent(progress.answered, of: progress.total)]
        }
        return renderer.page("reviews", title: "Access reviews", section: "reviews", user: user,
                             context: ["campaigns": rows, "hasCampaigns": !rows.isEmpty])
    }

    /// One campaign: every item with its answer, and keep/revoke forms for unanswered ones.
    func review(_ request: Request, context: KeywardRequestContext, user: DashboardUser) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64 else { throw DashboardError.notFound("There is no such review.") }
        let campaign = try await node.governance.review(id: id)
        let open = campaign.status == .open
        let items: [[String: Any]] = campaign.items.map { item in
            var row: [String: Any] = [
                "subject": item.subject.id, "label": item.name ?? item.subject.externalID ?? item.subject.id,
                "href": subjectLink(item.subject), "provider": item.subject.provider.rawValue, "owner": item.subject.owner ?? "—",
                "environments": item.environments.joined(separator: ", "), "scopes": item.scopes.joined(separator: ", "),
                "answerable": open && user.canWrite && item.attestation?.carriedOutAt == nil,
                "formID": StableIdentifier.make(prefix: "i", parts: [item.subject.id]),
            ]
            if let attestation = item.attestation {
                row["decision"] = attestation.decision.rawValue
                row["by"] = attestation.attestedBy
                row["at"] = DashboardFormat.day(attestation.attestedAt)
                if let justification = attestation.justification, !justification.isEmpty { row["justification"] = justification }
            }
            return row
        }
        let progress = campaign.progress
        var values: [String: Any] = [
            "id": campaign.id, "name": campaign.name, "scope": campaign.scope, "status": campaign.status.rawValue,
            "due": DashboardFormat.day(campaign.dueAt), "items": items, "csrf": user.csrfToken,
            "total": progress.total, "answered": progress.answered, "coverage": DashboardFormat.percent(progress.answered, of: progress.total),
        ]
        if request.uri.queryParameters["done"] != nil { values["notice"] = "Your answer was recorded." }
        return renderer.page("review", title: campaign.name, section: "reviews", user: user, context: values)
    }

    func attest(context: KeywardRequestContext, user: DashboardUser, form: DashboardForm) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64 else { throw DashboardError.notFound("There is no such review.") }
        guard let subject = try form.text("subject", maximumLength: 256) else { throw DashboardError.badRequest("Which credential? The form lacks its subject.") }
        guard let decision = form["decision"].flatMap(Attestation.Decision.init(rawValue:)) else {
            throw DashboardError.badRequest("The decision must be keep or revoke.")
        }
        let justification = try form.text("justification", maximumLength: RecordLimits.maximumReasonLength)
        _ = try await node.governance.attest(campaignID: id, subject: subject, decision: decision, justification: justification,
                                              by: user.principal, attester: user.owner, asAdministrator: user.principal.isAdmin)
        return DashboardRenderer.redirect("/ui/reviews/\(URLText.urlEncode(id))?done=1")
    }
}
