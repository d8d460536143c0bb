import Hummingbird
import KeywardCore
import KeywardStore

extension Dashboard {
    static let findingsPageSize = 50

    /// Findings, filtered by state, severity, framework, subject, or one of the overview's
    /// "needs attention" groups; 50 per page with the store's cursor.
    func findings(_ request: Request, user: DashboardUser) async throws -> Response {
        let parameters = request.uri.queryParameters
        func value(_ name: String) throws -> String? {
            guard let text = parameters[Substring(name)].map(String.init), !text.isEmpty else { return nil }
            guard text.count <= 128 else { throw DashboardError.badRequest("\(name) must be at most 128 characters") }
            return text
        }
        var filter = FindingFilter()
        let state = try value("state") ?? "active"
        switch state {
        case "active": filter.states = [.open, .acknowledged]
        case "all": break
        default:
            guard let parsed = FindingState(rawValue: state) else { throw DashboardError.badRequest("state must be active, all, open, acknowledged, resolved or suppressed") }
            filter.states = [parsed]
        }
        if let severity = try value("severity") {
            guard let parsed = FindingSeverity(rawValue: severity) else { throw DashboardError.badRequest("unknown severity \"\(severity)\"") }
            filter.severities = [parsed]
        }
        filter.framework = try value("framework")
        filter.subjectID = try value("subject")
        filter.owner = try value("owner")
        filter.cursor = try value("cursor")
        filter.limit = Self.findingsPageSize
        var findings: [Finding]
        var nextCursor: String?
        let attention = try value("attention")
        if let attention {
            guard let group = AttentionRules.Group(rawValue: attention) else {
                throw DashboardError.badRequest("attention must be one of \(AttentionRules.Group.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            findings = try await node.store.dashboardFindings(rules: AttentionRules(node.governance.policy.policy).rules(group), limit: 500)
        } else {
            let page = try await node.governance.findings(filter)
            findings = page.findings
            nextCursor = page.nextCursor
        }
        var values: [String: Any] = [
            "findings": findings.map(findingRow), "hasFindings": !findings.isEmpty, "count": findings.count,
            "canWrite": user.canWrite, "csrf": user.csrfToken,
            "states": ["active", "open", "acknowledged", "resolved", "suppressed", "all"].map { ["value": $0, "selected": $0 == state] },
            "severities": FindingSeverity.allCases.reversed().map { ["value": $0.rawValue, "selected": filter.severities.first == $0] },
            "framework": filter.framework ?? "", "subject": filter.subject ?? "", "owner": filter.owner ?? "",
        ]
        if let nextCursor {
            var items: [(String, String?)] = [("state", state), ("severity", filter.severities.first?.rawValue), ("framework", filter.framework),
                                              ("subject", filter.subjectID), ("owner", filter.owner), ("cursor", nextCursor)]
            items.removeAll { $0.1 == nil }
            values["next"] = "/ui/findings?" + URLText.query(items)
        }
        if let attention { values["attention"] = attention }
        if let notice = try value("done") {
            values["notice"] = notice == "acknowledged" ? "The finding was acknowledged." : notice == "evaluated" ? "Findings were re-checked: those no longer reported are resolved." : nil
        }
        return renderer.page("findings", title: "Findings", section: "findings", user: user, context: values)
    }

    func acknowledgeFinding(context: KeywardRequestContext, user: DashboardUser, form: DashboardForm) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64 else { throw DashboardError.notFound("There is no such finding.") }
        let note = try form.text("note", maximumLength: RecordLimits.maximumReasonLength)
        _ = try await node.governance.acknowledge(id: id, note: note, by: user.principal, name: user.owner)
        return DashboardRenderer.redirect("/ui/findings?done=acknowledged")
    }

    /// "Resolve": findings resolve when their check no longer reports them, so the button runs
    /// the evaluation now (after the fix was made) instead of hiding a problem that still exists.
    func evaluateFindings(user: DashboardUser) async throws -> Response {
        _ = try await node.governance.evaluate(actor: user.principal.id)
        return DashboardRenderer.redirect("/ui/findings?done=evaluated")
    }
}

extension FindingFilter {
    fileprivate var subject: String? { subjectID }
}
