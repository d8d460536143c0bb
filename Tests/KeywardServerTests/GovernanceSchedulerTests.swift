import Foundation
import KeywardCore
import KeywardStore
import Testing

@testable import KeywardServer

@Suite("Findings stay current by themselves")
struct GovernanceSchedulerTests {
    /// Runs the scheduler of a fresh node beside `body`, then stops it and closes the node.
    static func withScheduler(debounceMilliseconds: Int, intervalSeconds: Int, _ body: (ServerFixture) async throws -> Void) async throws {
        let fixture = try await ServerFixture.make { configuration in
            configuration.evaluationDebounceMilliseconds = debounceMilliseconds
            configuration.evaluationIntervalSeconds = intervalSeconds
        }
        let node = fixture.node
        try await fixture.whileRunning({ try await GovernanceScheduler(node: node).run() }) { try await body(fixture) }
    }

    static func count(_ fixture: ServerFixture, rule: String, subject: String? = nil) async throws -> Int {
        try await fixture.node.governance.findings(FindingFilter(rule: rule, subjectID: subject)).findings.count
    }

    @Test("the scheduler evaluates at start and again once a change settles, with the hourly run far away")
    func onChange() async throws {
        try await Self.withScheduler(debounceMilliseconds: 20, intervalSeconds: 3600) { (fixture: ServerFixture) async throws in
            // At start: evaluated, and (issue 14) the bootstrap key alone raises nothing.
            #expect(try await eventually { try await fixture.node.governance.lastEvaluatedAt() != nil })
            #expect(try await fixture.node.governance.findings(FindingFilter()).findings.isEmpty)
            #expect(try await fixture.node.store.auditEvents(limit: 100).contains { $0.action == "policy.loaded" })

            // A key issued later: its findings appear without anyone asking for an evaluation.
            var request = IssueRequest(name: "billing", owner: "team-pay")
            request.meta = ["purpose": "invoices"]
            let key = try await fixture.node.keys.issue(request, by: .system("test")).record
            #expect(try await eventually { try await Self.count(fixture, rule: "expiry-required", subject: key.id.description) == 1 })
        }
    }

    @Test("with nothing changing but time, the scheduled run opens the finding of a key crossing its 90th day")
    func onSchedule() async throws {
        try await Self.withScheduler(debounceMilliseconds: 600_000, intervalSeconds: 1) { (fixture: ServerFixture) async throws in
            // Issue 14: the bootstrap admin key is judged by admin-key-rotation, quiet until day 90.
            #expect(try await eventually { try await fixture.node.governance.lastEvaluatedAt() != nil })
            #expect(try await Self.count(fixture, rule: "admin-key-rotation") == 0)
            fixture.clock.advance(seconds: 91 * 86_400)
            #expect(try await eventually { try await Self.count(fixture, rule: "admin-key-rotation") == 1 })
        }
    }
}
