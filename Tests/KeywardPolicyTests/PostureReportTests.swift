import Testing
import KeywardCore
@testable import KeywardPolicy

@Suite struct PostureReportTests {
    func report() throws -> PostureReport {
        let items = [
            Sample.awsKey("AKIA00000000000000P1", owner: nil, createdDaysAgo: 400, usedDaysAgo: 100),
            Sample.awsKey("AKIA00000000000000P2", createdDaysAgo: 95),
            Sample.apiKey("key_1", createdDaysAgo: 10, expiresInDays: 20),
            Sample.apiKey("key_2", scopes: ["*"], createdDaysAgo: 40, expiresInDays: 75, reviewedDaysAgo: nil),
            Sample.apiKey("key_3", environments: ["staging"], createdDaysAgo: 200, expiresInDays: 200),
            Sample.awsKey("AKIA00000000000000P3", status: .revoked),
        ]
        let evaluation = PolicyEngine(policy: DefaultPolicy.load()).evaluate(items, now: Sample.now)
        let rootFinding = Finding(rule: "aws-root-access-key", severity: .critical,
                                  subject: FindingSubject(kind: .identity, id: "arn:aws:iam::1:root", provider: .aws, identity: "<root_account>"),
                                  message: "The root user has an active access key <script>", remediation: "Delete it",
                                  frameworks: [.nhi(5), .csf("PR.AA-05")], openedAt: Sample.daysAgo(3))
        var campaign = ReviewCampaign(name: "Q4", selector: .all, scopeDescription: "all", items: items, startedBy: "sec",
                                      now: Sample.daysAgo(30), dueInDays: 14)
        try campaign.attest(subjectID: "key_1", decision: .keep, justification: "checkout", by: "payments", at: Sample.daysAgo(29))
        return PostureReport.compute(.init(items: items, findings: evaluation.findings + [rootFinding], checks: evaluation.checks,
                                           campaigns: [campaign], policyName: "keyward-default", now: Sample.now))
    }

    @Test func inventoryCounts() throws {
        let inventory = try report().inventory
        #expect(inventory.total == 6 && inventory.live == 5)
        #expect(inventory.byStatus.first { $0.label == "revoked" }?.count == 1)
        #expect(inventory.byProvider.map(\.label) == ["aws", "keyward"])
        #expect(inventory.byAge.map(\.count) == [1, 1, 1, 1, 1])
        #expect((inventory.expiringWithin30Days, inventory.expiringWithin60Days, inventory.expiringWithin90Days) == (1, 1, 2))
        #expect(inventory.meanAgeDays == Double(400 + 95 + 10 + 40 + 200) / 5)
        #expect(inventory.p90AgeDays == 400)
        #expect(inventory.byEnvironment.first?.label == "production")
    }

    @Test func findingsTopRisksAndReviews() throws {
        let report = try report()
        #expect(report.findings.bySeverity.first == LabeledCount(label: "critical", count: 1))
        #expect(report.topRisks.first?.rule == "aws-root-access-key")
        #expect(report.topRisks.count <= 10)
        #expect(report.findings.byFramework.contains { $0.label == "CIS-AWS-7.0.0:2.12" })
        #expect(report.reviews.live == 5 && report.reviews.reviewed == 4)
        #expect(report.reviews.campaigns.first?.overdue == true && report.reviews.campaigns.first?.answered == 1)
    }

    @Test func frameworkViewListsChecksAndGaps() throws {
        let view = try report().frameworks
        #expect(view.owaspNHI.count == 10 && view.owaspNHI.map(\.reference.item).first == "NHI1")
        let nhi7 = try #require(view.owaspNHI.first { $0.reference == .nhi(7) })
        #expect(nhi7.status == .failing)
        #expect(nhi7.checks.contains { $0.rule == "aws-access-key-rotation" && $0.evaluated == 2 })
        let nhi5 = try #require(view.owaspNHI.first { $0.reference == .nhi(5) })
        #expect(nhi5.checks.contains { $0.rule == "aws-root-access-key" && $0.evaluated == nil && $0.failing == 1 })
        #expect(view.owaspNHI.first { $0.reference == .nhi(3) }?.status == .notCovered)
        #expect(view.nistCSF.first { $0.reference == .csf("PR.AA-01") }?.checks.isEmpty == false)
    }

    @Test func renderersProduceSelfContainedOutput() throws {
        let report = try report()
        let html = try PostureReportRenderer.render(report, as: .html)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<style>"))
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import"))
        #expect(html.contains("NHI7") && html.contains("PR.AA-01"))
        let markdown = try PostureReportRenderer.render(report, as: .markdown)
        #expect(markdown.contains("## Framework view") && markdown.contains("| critical | 1 |"))
        let json = try PostureReportRenderer.render(report, as: .json)
        let decoded = try JSONDecoderForTests.decode(PostureReport.self, from: json)
        #expect(decoded == report)
        #expect(json.contains("\"owasp_nhi_2025\"") && json.contains("\"expiring_30d\""))
    }

    @Test("the Markdown report shows imported text as text: no raw HTML, no Markdown links or images")
    func markdownEscapesImportedText() throws {
        let hostile = [
            "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "![pixel](https://evil.example/p.png)",
            "[click](javascript:alert(3))", "a|b",
        ]
        let items = hostile.enumerated().map { index, text in
            Sample.awsKey("AKIA0000000000000\(100 + index)", owner: text, createdDaysAgo: 400, environments: [text])
        }
        let evaluation = PolicyEngine(policy: DefaultPolicy.load()).evaluate(items, now: Sample.now)
        let campaign = ReviewCampaign(name: hostile[1], selector: .all, scopeDescription: "all", items: items, startedBy: "sec",
                                      now: Sample.daysAgo(3), dueInDays: 14)
        let report = PostureReport.compute(.init(items: items, findings: evaluation.findings, checks: evaluation.checks,
                                                 campaigns: [campaign], policyName: "<b>policy</b>", now: Sample.now))
        let markdown = try PostureReportRenderer.render(report, as: .markdown)
        #expect(markdown.contains("&lt;script&gt;") && markdown.contains("&lt;img src=x onerror=alert(2)&gt;"))
        for raw in ["<script", "<img", "<b>", "[pixel]", "[click]"] {
            #expect(!markdown.contains(raw), "the Markdown report holds \(raw)")
        }
        #expect(markdown.contains(#"!\[pixel\](https://evil.example/p.png)"#), "shown as text")
        // The report's own markup is kept.
        #expect(markdown.contains("## Top risks") && markdown.contains("| Severity | Rule | Owner | Finding |"))
        // A pipe in a value does not split its table cell.
        #expect(markdown.contains(#"a\|b"#))
    }
}
