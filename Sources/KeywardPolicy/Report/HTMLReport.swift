import KeywardCore

/// The posture report as one self-contained HTML page: inline CSS, no scripts, no external
/// assets, so it can be mailed or archived as evidence and still render the same.
struct HTMLReport {
    let report: PostureReport

    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
    h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d9dee7;padding-bottom:.3rem}
    .meta{color:#5b6475}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
    .card{border:1px solid #d9dee7;border-radius:8px;padding:.7rem 1rem;min-width:150px}
    .card b{display:block;font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:.6rem 0}
    th,td{border-bottom:1px solid #e6e9ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
    th{background:#f5f7fa}.bar{background:#4a78c2;height:.7rem;border-radius:3px}
    .sev{border-radius:4px;padding:0 .4rem;color:#fff;font-size:.8rem}
    .critical{background:#8b1a1a}.high{background:#c0392b}.medium{background:#d68910}.low{background:#2e86c1}.info{background:#7f8c8d}
    .failing{color:#c0392b;font-weight:600}.passing{color:#1e8449;font-weight:600}.not_covered{color:#7f8c8d}
    code{background:#f1f3f6;padding:0 .25rem;border-radius:3px}
    """

    func render() -> String {
        let inventory = report.inventory
        var body = "<h1>keyward posture report</h1>"
        body += "<p class=\"meta\">Generated \(e(report.generatedAt.iso8601)) with policy <code>\(e(report.policy))</code></p>"
        body += "<div class=\"cards\">"
        body += card("credentials", "\(inventory.total)", "\(inventory.live) live")
        body += card("active findings", "\(report.findings.active)", "\(report.findings.suppressed) suppressed")
        body += card("expiring ≤ 30 / 60 / 90 d", "\(inventory.expiringWithin30Days) / \(inventory.expiringWithin60Days) / \(inventory.expiringWithin90Days)", "live credentials")
        body += card("age mean / p90", "\(PostureReportRenderer.days(inventory.meanAgeDays)) / \(inventory.p90AgeDays.map(String.init) ?? "n/a")", "days")
        body += card("review coverage", PostureReportRenderer.percent(report.reviews.coverage), "last \(report.reviews.intervalDays) days")
        body += "</div>"
        body += "<h2>Inventory</h2>"
        for (title, counts) in [("Status", inventory.byStatus), ("Provider", inventory.byProvider),
                                ("Environment", inventory.byEnvironment), ("Age of live credentials", inventory.byAge)] {
            body += bars(title, counts)
        }
        body += "<h2>Findings</h2>"
        body += bars("Active by severity", report.findings.bySeverity)
        body += bars("Active by framework item", report.findings.byFramework)
        body += "<h2>Top risks</h2><table><tr><th>Severity</th><th>Rule</th><th>Owner</th><th>Finding</th><th>Open since</th></tr>"
        for risk in report.topRisks {
            body += "<tr><td><span class=\"sev \(risk.severity.rawValue)\">\(risk.severity.rawValue)</span></td><td><code>\(e(risk.rule))</code></td>"
            body += "<td>\(e(risk.owner ?? "none"))</td><td>\(e(risk.message))</td><td>\(e(risk.openedAt.iso8601))</td></tr>"
        }
        body += "</table><h2>Access reviews</h2>"
        body += "<p>\(report.reviews.reviewed) of \(report.reviews.live) live credentials reviewed in the last \(report.reviews.intervalDays) days.</p>"
        body += "<table><tr><th>Campaign</th><th>Status</th><th>Due</th><th>Answered</th><th>Revoked</th><th>Overdue</th></tr>"
        for campaign in report.reviews.campaigns {
            body += "<tr><td>\(e(campaign.name))</td><td>\(e(campaign.status))</td><td>\(e(campaign.dueAt.iso8601))</td>"
            body += "<td>\(campaign.answered)/\(campaign.total)</td><td>\(campaign.revoked)</td><td>\(campaign.overdue ? "yes" : "no")</td></tr>"
        }
        body += "</table><h2>Revocation drills</h2>"
        if report.drills.isEmpty {
            body += "<p>No revocation drill has been run.</p>"
        } else {
            body += "<table><tr><th>Drill</th><th>Finished</th><th>Nodes</th><th>Rounds</th><th>p50 ms</th><th>p99 ms</th><th>Max ms</th><th>SLO ms</th><th>Result</th></tr>"
            for drill in report.drills {
                let ms = PostureReportRenderer.milliseconds
                body += "<tr><td>\(e(drill.id))</td><td>\(e(drill.finishedAt.iso8601))</td><td>\(drill.nodes.count)</td><td>\(drill.rounds)</td>"
                body += "<td>\(ms(drill.overall.p50Milliseconds))</td><td>\(ms(drill.overall.p99Milliseconds))</td><td>\(ms(drill.overall.maxMilliseconds))</td>"
                body += "<td>\(ms(drill.sloMilliseconds))</td><td>\(drill.passed ? "passed" : "<strong>failed</strong>")</td></tr>"
            }
            body += "</table>"
        }
        body += "<h2>Framework view</h2>"
        body += frameworkTable("OWASP Non-Human Identities Top 10 (2025)", report.frameworks.owaspNHI)
        body += frameworkTable("NIST CSF 2.0", report.frameworks.nistCSF)
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>keyward posture report</title>"
            + "<style>\(HTMLReport.style)</style></head><body>\(body)</body></html>\n"
    }

    private func card(_ label: String, _ value: String, _ note: String) -> String {
        "<div class=\"card\">\(e(label))<b>\(e(value))</b><span class=\"meta\">\(e(note))</span></div>"
    }

    private func bars(_ title: String, _ counts: [LabeledCount]) -> String {
        let largest = max(1, counts.map(\.count).max() ?? 1)
        var html = "<h3>\(e(title))</h3><table>"
        for entry in counts {
            let width = Int((Double(entry.count) / Double(largest) * 100).rounded())
            html += "<tr><td style=\"width:30%\">\(e(entry.label))</td><td style=\"width:10%\">\(entry.count)</td>"
            html += "<td><div class=\"bar\" style=\"width:\(width)%\"></div></td></tr>"
        }
        return html + "</table>"
    }

    private func frameworkTable(_ title: String, _ entries: [FrameworkItemView]) -> String {
        var html = "<h3>\(e(title))</h3><table><tr><th>Item</th><th>Status</th><th>Checks</th></tr>"
        for entry in entries {
            let checks = entry.checks.isEmpty ? "—" : entry.checks.map { check in
                let evaluated = check.evaluated.map { ", \($0) evaluated" } ?? ""
                return "<code>\(e(check.rule))</code> \(e(check.summary)) (\(check.failing) failing\(evaluated))"
            }.joined(separator: "<br>")
            html += "<tr><td><b>\(e(entry.reference.item))</b> \(e(entry.title))</td>"
            html += "<td class=\"\(entry.status.rawValue)\">\(entry.status.rawValue.replacingAll("_", with: " "))</td><td>\(checks)</td></tr>"
        }
        return html + "</table>"
    }

    /// HTML-escapes text for element content and attribute values (short: it is used in every line).
    private func e(_ text: String) -> String { HTMLEscaping.escape(text) }
}
