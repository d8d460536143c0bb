import KeywardCore
import KeywardGovernance
import KeywardPolicy
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("Posture report with revocation drills")
struct ReportDrillsTests {
    @Test("stored drills appear in the report, newest first, in JSON, Markdown and HTML", arguments: TestDatabase.available)
    func drillsInReport(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let empty = try await fixture.service.report()
            #expect(empty.drills.isEmpty)
            #expect(try PostureReportRenderer.render(empty, as: .markdown).contains("No revocation drill has been run"))

            let start = GovernanceFixture.start
            let passed = DrillResult(id: "drill_passed", startedAt: start, finishedAt: start.adding(seconds: 5), rounds: 3, sloMilliseconds: 1000,
                                     nodes: [.init(node: "http://a", samplesMilliseconds: [10, 12, 40], timeouts: 0),
                                             .init(node: "http://b", samplesMilliseconds: [11, 13, 35], timeouts: 0)])
            let failed = DrillResult(id: "drill_failed", startedAt: start.adding(seconds: 60), finishedAt: start.adding(seconds: 70), rounds: 2, sloMilliseconds: 20,
                                     nodes: [.init(node: "http://a", samplesMilliseconds: [15, 45], timeouts: 0)])
            try await fixture.store.recordDrill(passed, by: fixture.admin)
            try await fixture.store.recordDrill(failed, by: fixture.admin)

            let report = try await fixture.service.report()
            #expect(report.drills.map(\.id) == ["drill_failed", "drill_passed"])
            #expect(report.drills.last?.overall.maxMilliseconds == 40)
            let markdown = try PostureReportRenderer.render(report, as: .markdown)
            #expect(markdown.contains("## Revocation drills"))
            #expect(markdown.contains("| drill_failed |") && markdown.contains("**failed**"))
            #expect(markdown.contains("| drill_passed |") && markdown.contains("| 40.0 | 1000.0 | passed |"))
            let html = try PostureReportRenderer.render(report, as: .html)
            #expect(html.contains("<h2>Revocation drills</h2>") && html.contains("<strong>failed</strong>"))
            let json = try PostureReportRenderer.render(report, as: .json)
            #expect(json.contains("\"drills\"") && json.contains("drill_passed"))
        }
    }
}
