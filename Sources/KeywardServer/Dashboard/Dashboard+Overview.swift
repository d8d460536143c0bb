import Hummingbird
import KeywardCore
import KeywardStore

extension Dashboard {
    static let attentionListLength = 8
    /// The overview's leak panel looks back this far.
    static let leakWindowDays: Int64 = 30

    /// The overview: aggregate counts (never a row per key), charts, and what needs attention.
    func overview(_ request: Request, user: DashboardUser) async throws -> Response {
        let now = node.clock.now()
        let governance = node.governance
        let loaded = governance.policy
        let counts = try await node.store.dashboardCounts(now: now, reviewIntervalDays: loaded.reviewIntervalDays)
        let findings = try await findingCounts.counts(from: node.store)
        let rules = AttentionRules(loaded.policy)
        let leaks = try await node.store.dashboardLeaks(since: now.adding(seconds: -Self.leakWindowDays * 86_400), limit: Self.attentionListLength)
        let drills = try await node.store.drills(limit: 5)

        var attention: [[String: Any]] = [leakCard(leaks, now: now)]
        let panels: [(AttentionRules.Group, String, String)] = [
            (.unowned, "Without an owner", "Every credential has an owner."),
            (.departed, "Owner departed", "No live credential belongs to someone who has left."),
            (.rotation, "Rotation overdue", "No credential is past its rotation interval."),
            (.review, "Review overdue", "Every credential was reviewed in time."),
        ]
        for (group, title, empty) in panels {
            let ids = rules.rules(group)
            let items = try await node.store.dashboardFindings(rules: ids, limit: Self.attentionListLength, onePerSubject: true)
            let count = try await findingCounts.openSubjects(rules: ids, from: node.store)
            attention.append(attentionCard(title, count: count, empty: empty, items: items.map(attentionItem),
                                           more: "/ui/findings?attention=\(group.rawValue)"))
        }
        let critical = findings.openBySeverity[.critical] ?? 0
        let high = findings.openBySeverity[.high] ?? 0

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
        // One row per week, named by its first and last day ("4 Dec – 10 Dec"): thirteen
        // columns of "12-04" were too small to read.
        let expiryBars = counts.expiringByWeek.enumerated().map { index, value in
            let start = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Int64(index) * week)
            let end = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + week - 86_400_000)
            return SVGChart.Bar(label: DashboardFormat.shortDay(start) + " – " + DashboardFormat.shortDay(end), value: value, style: "bar-expiring")
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
            "urgent": critical + high, "urgentCritical": critical, "urgentHigh": high, "hasUrgent": critical + high > 0,
            "urgentLink": "/ui/findings?state=open&severity=" + (critical > 0 || high == 0 ? "critical" : "high"),
            "total": counts.total, "live": counts.live, "activeFindings": activeFindings,
            "reviewed": counts.reviewedLive, "coverage": DashboardFormat.percent(counts.reviewedLive, of: counts.live),
            "reviewInterval": loaded.reviewIntervalDays, "policy": loaded.policy.name,
            "expiringTotal": counts.expiringByWeek.reduce(0, +),
            "statusChart": SVGChart.horizontalBars(statusBars, title: "Credentials by status"),
            "providerChart": SVGChart.horizontalBars(providerBars, title: "Credentials by provider"),
            "environmentChart": SVGChart.horizontalBars(Array(environmentBars), title: "Credentials by environment"),
            "ageChart": SVGChart.columns(ageBars, title: "Age of live credentials"),
            "expiryChart": SVGChart.horizontalBars(expiryBars, title: "Live credentials expiring per week, next 90 days"),
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
         "detail": "\(finding.subject.owner ?? "no owner") · \(finding.message)", "severity": finding.severity.rawValue,
         "tag": finding.severity.rawValue]
    }

    /// Every key reported leaked in the window with what became of it: revoked, and how long
    /// after the report, or still live (which is what needs someone now).
    func leakCard(_ leaks: (count: Int, leaks: [DashboardLeak]), now: Timestamp) -> [String: Any] {
        let items: [[String: Any]] = leaks.leaks.map { leak in
            let reported = "reported " + DashboardFormat.time(leak.leakedAt)
            guard let key = leak.key else {
                return ["href": "/ui/audit?" + URLText.query([("subject", leak.keyID)]), "label": leak.keyID, "detail": reported,
                        "severity": "info", "tag": "gone"]
            }
            let status = key.status(at: now)
            var detail = "\(key.owner) · \(reported)"
            let live = status == .active || status == .rotating
            if let revoked = key.revokedAt {
                let after = max(0, revoked.millisecondsSinceEpoch - leak.leakedAt.millisecondsSinceEpoch)
                detail += " · revoked \(DashboardFormat.duration(after)) after the report"
            } else if live {
                detail += " · still live: revoke it now"
            } else {
                detail += " · \(status.rawValue)"
            }
            return ["href": "/ui/keys/\(key.id)", "label": key.name, "detail": detail, "severity": live ? "critical" : "low",
                    "tag": live ? "live" : status.rawValue]
        }
        let live = leaks.leaks.filter { $0.key.map { [.active, .rotating].contains($0.status(at: now)) } ?? false }.count
        var card = attentionCard("Leaked in the last \(Self.leakWindowDays) days", count: leaks.count,
                                 empty: "No key was reported leaked in the last \(Self.leakWindowDays) days.", items: items,
                                 more: "/ui/audit?action=key.leaked")
        card["summary"] = leaks.count == 0 ? nil : live == 0 ? "All revoked." : "\(live) still live."
        card["alert"] = live > 0
        return card
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
