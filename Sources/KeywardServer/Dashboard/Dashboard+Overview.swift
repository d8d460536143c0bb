import Hummingbird
import KeywardCore
import KeywardStore

extension Dashboard {
    static let attentionListLength = 8

    /// The overview: aggregate counts (never a row per key), charts, and what needs attention.
    func overview(_ request: Request, user: DashboardUser) async throws -> Response {
        let now = node.clock.now()
        let governance = node.governance
        let loaded = governance.policy
        let counts = try await node.store.dashboardCounts(now: now, reviewIntervalDays: loaded.reviewIntervalDays)
        let findings = try await findingCounts.counts(from: node.store)
        let rules = AttentionRules(loaded.policy)
        let leaked = try await node.store.dashboardLeakedKeys(now: now, limit: Self.attentionListLength)
        let unowned = try await node.store.dashboardFindings(rules: rules.unowned, limit: Self.attentionListLength)
        let rotation = try await node.store.dashboardFindings(rules: rules.overdueRotation, limit: Self.attentionListLength)
        let review = try await node.store.dashboardFindings(rules: rules.overdueReview, limit: Self.attentionListLength)
        let drills = try await node.store.drills(limit: 5)

        func total(_ ids: [String]) -> Int { Set(ids).reduce(0) { $0 + (findings.openByRule[$1] ?? 0) } }
        let attention: [[String: Any]] = [
            attentionCard("Leaked and still live", count: leaked.count, empty: "No live key has been reported leaked.",
                          items: leaked.keys.map { ["href": "/ui/keys/\($0.id)", "label": $0.name, "detail": "\($0.owner) · \($0.id)", "severity": "critical"] },
                          more: "/ui/audit?action=key.leaked"),
            attentionCard("Without an owner", count: total(rules.unowned), empty: "Every credential has a current owner.",
                          items: unowned.map(attentionItem), more: "/ui/findings?attention=unowned"),
            attentionCard("Rotation overdue", count: total(rules.overdueRotation), empty: "No credential is past its rotation interval.",
                          items: rotation.map(attentionItem), more: "/ui/findings?attention=rotation"),
            attentionCard("Review overdue", count: total(rules.overdueReview), empty: "Every credential was reviewed in time.",
                          items: review.map(attentionItem), more: "/ui/findings?attention=review"),
        ]

        let statusOrder = ["active", "rotating", "expired", "disabled", "revoked", "disappeared", "deleted"]
        let statusBars = statusOrder.compactMap { status -> SVGChart.Bar? in
            guard let value = counts.byStatus[status] else { return nil }
            return SVGChart.Bar(label: status, value: value, style: "bar-\(status)", link: "/ui/inventory?status=\(status)")
        }
        let providerBars = counts.byProvider.sorted { $0.value > $1.value }.map {
            SVGChart.Bar(label: $0.key, value: $0.value, link: "/ui/inventory?" + URLText.query([("provider", $0.key)]))
        }
        let environmentBars = counts.byEnvironment.sorted { $0.value > $1.value }.prefix(12).map {
            SVGChart.Bar(label: $0.key, value: $0.value, link: $0.key == "(none)" ? nil : "/ui/inventory?" + URLText.query([("environment", $0.key)]))
        }
        let ageBars = zip(DashboardCounts.ageBuckets, counts.ages).map { SVGChart.Bar(label: $0, value: $1, style: "bar-age") }
        let week: Int64 = 7 * 86_400_000
        let expiryBars = counts.expiringByWeek.enumerated().map { index, value in
            SVGChart.Bar(label: String(DashboardFormat.day(Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Int64(index) * week)).dropFirst(5)),
                         value: value, style: "bar-expiring")
        }
        let severityBars = FindingSeverity.allCases.reversed().map {
            SVGChart.Bar(label: $0.rawValue, value: findings.bySeverity[$0] ?? 0, style: "bar-\($0.rawValue)", link: "/ui/findings?severity=\($0.rawValue)")
        }
        let nhiPrefix = FrameworkReference.owaspNHI + ":"
        let nhiBars = findings.byFramework.filter { $0.key.hasPrefix(nhiPrefix) }
            .sorted { Self.itemOrder($0.key) < Self.itemOrder($1.key) }
            .map { SVGChart.Bar(label: String($0.key.dropFirst(nhiPrefix.count)), value: $0.value, style: "bar-nhi",
                                link: "/ui/findings?" + URLText.query([("framework", $0.key)])) }
        let activeFindings = findings.bySeverity.values.reduce(0, +)

        let context: [String: Any] = [
            "total": counts.total, "live": counts.live, "activeFindings": activeFindings,
            "reviewed": counts.reviewedLive, "coverage": DashboardFormat.percent(counts.reviewedLive, of: counts.live),
            "reviewInterval": loaded.reviewIntervalDays, "policy": loaded.policy.name,
            "expiringTotal": counts.expiringByWeek.reduce(0, +),
            "statusChart": SVGChart.horizontalBars(statusBars, title: "Credentials by status"),
            "providerChart": SVGChart.horizontalBars(providerBars, title: "Credentials by provider"),
            "environmentChart": SVGChart.horizontalBars(Array(environmentBars), title: "Credentials by environment"),
            "ageChart": SVGChart.columns(ageBars, title: "Age of live credentials"),
            "expiryChart": SVGChart.columns(expiryBars, title: "Live credentials expiring per week, next 90 days"),
            "severityChart": SVGChart.horizontalBars(severityBars, title: "Active findings by severity"),
            "nhiChart": SVGChart.horizontalBars(nhiBars, title: "Active findings by OWASP NHI Top 10 item"),
            "attention": attention,
            "drills": drills.map(drillRow), "hasDrills": !drills.isEmpty,
        ]
        return renderer.page("overview", title: "Overview", section: "overview", user: user, context: context)
    }

    /// `NHI10` after `NHI9`.
    static func itemOrder(_ reference: String) -> Int {
        Int(reference.reversed().prefix { $0.isNumber }.reversed().map(String.init).joined()) ?? Int.max
    }

    private func attentionCard(_ title: String, count: Int, empty: String, items: [[String: Any]], more: String) -> [String: Any] {
        var card: [String: Any] = ["title": title, "count": count, "empty": empty, "items": items]
        if count > items.count { card["more"] = more }
        return card
    }

    func attentionItem(_ finding: Finding) -> [String: Any] {
        ["href": subjectLink(finding.subject), "label": Self.subjectLabel(finding.subject),
         "detail": "\(finding.subject.owner ?? "no owner") · \(finding.message)", "severity": finding.severity.rawValue]
    }

    /// The key page for a keyward key; the inventory, searched for it, for anything else.
    func subjectLink(_ subject: FindingSubject) -> String {
        if subject.kind == .key, KeyID(subject.id) != nil { return "/ui/keys/\(subject.id)" }
        return "/ui/inventory?" + URLText.query([("q", subject.id)])
    }

    func drillRow(_ drill: DrillResult) -> [String: Any] {
        ["id": drill.id, "kind": drill.kind, "when": DashboardFormat.time(drill.startedAt), "passed": drill.passed,
         "rounds": drill.rounds, "nodes": drill.nodes.count, "slo": DashboardFormat.milliseconds(drill.sloMilliseconds),
         "p50": DashboardFormat.milliseconds(drill.overall.p50Milliseconds), "p99": DashboardFormat.milliseconds(drill.overall.p99Milliseconds),
         "max": DashboardFormat.milliseconds(drill.overall.maxMilliseconds), "timeouts": drill.overall.timeouts]
    }
}
