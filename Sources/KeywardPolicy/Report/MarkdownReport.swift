import KeywardCore

/// The posture report as Markdown, for tickets, wikis and pull requests.
///
/// Much of what it shows was imported (environment, owner and review names, finding messages
/// that quote them) and Markdown passes HTML through: every such value goes through ``text(_:)``
/// or ``code(_:)``, as the HTML report escapes its values, so `<script>` or
/// `![x](https://tracker)` in an environment name is shown, not run or fetched.
struct MarkdownReport {
    let report: PostureReport

    func render() -> String {
        var out: [String] = []
        let inventory = report.inventory
        out.append("# keyward posture report")
        out.append("")
        out.append("Generated \(report.generatedAt.iso8601) with policy \(code(report.policy)).")
        out.append("")
        out.append("## Inventory")
        out.append("")
        out.append("- Credentials: \(inventory.total) (\(inventory.live) live)")
        out.append("- Expiring within 30 / 60 / 90 days: \(inventory.expiringWithin30Days) / \(inventory.expiringWithin60Days) / \(inventory.expiringWithin90Days)")
        out.append("- Age of live credentials: mean \(PostureReportRenderer.days(inventory.meanAgeDays)) days, p90 \(inventory.p90AgeDays.map(String.init) ?? "n/a") days")
        out.append("")
        for (title, counts) in [("Status", inventory.byStatus), ("Provider", inventory.byProvider),
                                ("Environment", inventory.byEnvironment), ("Age (live)", inventory.byAge)] {
            out.append(table(["By \(title.lowercased())", "Count"], counts.map { [text($0.label), String($0.count)] }))
            out.append("")
        }
        out.append("## Findings")
        out.append("")
        out.append("\(report.findings.active) active, \(report.findings.suppressed) suppressed by exceptions.")
        out.append("")
        out.append(table(["Severity", "Active"], report.findings.bySeverity.map { [text($0.label), String($0.count)] }))
        out.append("")
        out.append(table(["Framework item", "Active"], report.findings.byFramework.map { [code($0.label), String($0.count)] }))
        out.append("")
        out.append("## Top risks")
        out.append("")
        out.append(table(["Severity", "Rule", "Owner", "Finding"], report.topRisks.map {
            [$0.severity.rawValue, code($0.rule), $0.owner.map(text) ?? "**none**", text($0.message)]
        }))
        out.append("")
        out.append("## Access reviews")
        out.append("")
        let reviews = report.reviews
        out.append("\(reviews.reviewed) of \(reviews.live) live credentials reviewed in the last \(reviews.intervalDays) days (\(PostureReportRenderer.percent(reviews.coverage))).")
        out.append("")
        out.append(table(["Campaign", "Status", "Due", "Answered", "Revoked", "Overdue"], reviews.campaigns.map {
            [text($0.name), text($0.status), $0.dueAt.iso8601, "\($0.answered)/\($0.total)", String($0.revoked), $0.overdue ? "yes" : "no"]
        }))
        out.append("")
        out.append("## Revocation drills")
        out.append("")
        out.append(report.drills.isEmpty ? "No revocation drill has been run (`keyward drill revoke --nodes …`)." : table(
            ["Drill", "Finished", "Nodes", "Rounds", "p50 ms", "p99 ms", "Max ms", "SLO ms", "Result"], report.drills.map {
                [text($0.id), $0.finishedAt.iso8601, String($0.nodes.count), String($0.rounds), PostureReportRenderer.milliseconds($0.overall.p50Milliseconds),
                 PostureReportRenderer.milliseconds($0.overall.p99Milliseconds), PostureReportRenderer.milliseconds($0.overall.maxMilliseconds),
                 PostureReportRenderer.milliseconds($0.sloMilliseconds), $0.passed ? "passed" : "**failed**"]
            }))
        out.append("")
        out.append("## Framework view")
        for (title, entries) in [("OWASP Non-Human Identities Top 10 (2025)", report.frameworks.owaspNHI),
                                 ("NIST CSF 2.0", report.frameworks.nistCSF)] {
            out.append("")
            out.append("### \(title)")
            out.append("")
            var rows: [[String]] = []
            for entry in entries {
                let checks = entry.checks.isEmpty ? "—" : entry.checks.map { check in
                    let evaluated = check.evaluated.map { ", \($0) evaluated" } ?? ""
                    return "\(code(check.rule)) (\(check.failing) failing\(evaluated))"
                }.joined(separator: "<br>")
                rows.append(["\(code(entry.reference.item)) \(text(entry.title))", entry.status.rawValue, checks])
            }
            out.append(table(["Item", "Status", "Checks"], rows))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        if rows.isEmpty { lines.append("| " + header.map { _ in "—" }.joined(separator: " | ") + " |") }
        for row in rows { lines.append("| " + row.map(cell).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    /// Table cells cannot hold a raw `|` or a line break.
    private func cell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }

    /// A value shown as text: HTML escaped as the HTML report escapes it (Markdown decodes the
    /// entities, so `&lt;` reads `<`), and the brackets of links and images and the backtick of
    /// code spans backslash-escaped (`_` and `*` are left alone: emphasis is harmless, and ids
    /// such as `drill_failed` read as typed).
    private func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            if Self.markdownPunctuation.contains(character) { out.append("\\") }
            out.append(character)
        }
        return HTMLEscaping.escape(out)
    }

    static let markdownPunctuation: Set<Character> = ["\\", "`", "[", "]"]

    /// A value in a code span. One that could close the span early, or holds markup a lax
    /// renderer might still interpret, is shown as ``text(_:)`` instead (entities are not decoded
    /// inside a code span, so it cannot be escaped there).
    private func code(_ value: String) -> String {
        value.contains { "`\n<>&".contains($0) } ? text(value) : "`\(value)`"
    }
}

extension String {
    /// Replaces every occurrence without Foundation's bridging.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
