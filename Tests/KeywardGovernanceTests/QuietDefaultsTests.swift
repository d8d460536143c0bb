import KeywardCore
import KeywardGovernance
import KeywardPolicy
import KeywardStore
import KeywardTestSupport
import Testing

/// Issue 14, item 6: the default policy raises nothing about a new installation or a new key
/// until something is actually due.
@Suite("Quiet defaults")
struct QuietDefaultsTests {
    static let day: Int64 = 86_400

    static func rules(_ fixture: GovernanceFixture, subject: String? = nil) async throws -> [String] {
        try await fixture.service.findings(FindingFilter(subjectID: subject, limit: 1000)).findings.map(\.rule).sorted()
    }

    @Test("a fresh installation (its bootstrap admin key alone) has zero findings under the default policy", arguments: TestDatabase.available)
    func freshInstallation(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            #expect(try await fixture.keys.bootstrapAdmin() != nil)
            let summary = try await fixture.service.evaluate()
            #expect(summary.items == 1 && summary.findings == 0 && summary.opened == 0)
            #expect(try await Self.rules(fixture).isEmpty)
            // Nothing opened, so nothing for the webhook dispatcher either.
            #expect(!(try await fixture.auditActions()).contains("findings.evaluated"))
            #expect(try await fixture.service.gate().failing(atOrAbove: .info).isEmpty)
        }
    }

    @Test("the bootstrap admin key is judged by the rule for admin keys: replaced within 90 days, high")
    func adminKeyRule() async throws {
        try await GovernanceFixture.with { fixture in
            _ = try await fixture.keys.bootstrapAdmin()
            fixture.clock.advance(seconds: 30 * Self.day)
            _ = try await fixture.service.evaluate()
            #expect(try await Self.rules(fixture).isEmpty)
            fixture.clock.advance(seconds: 61 * Self.day)
            _ = try await fixture.service.evaluate()
            let findings = try await fixture.service.findings(FindingFilter(limit: 1000)).findings
            // Day 91: due for replacement (and unused since creation, and its first review);
            // never a production-least-privilege finding for carrying keyward:admin.
            #expect(findings.map(\.rule).sorted() == ["admin-key-rotation", "review-interval", "stale-credentials"])
            #expect(findings.first { $0.rule == "admin-key-rotation" }?.severity == .high)
        }
    }

    @Test("a new key opens nothing until a finding is due: purpose after its week of grace, review 90 days after creation")
    func newKeyWaitsUntilDue() async throws {
        try await GovernanceFixture.with { fixture in
            let key = try await fixture.issue(name: "billing-sync", owner: "team-pay", ttlDays: 300)  // no purpose, never reviewed
            let id = key.id.description
            #expect(try await fixture.service.evaluate().opened == 0)
            fixture.clock.advance(seconds: 6 * Self.day)
            #expect(try await fixture.service.evaluate().opened == 0)
            fixture.clock.advance(seconds: 2 * Self.day)
            #expect(try await fixture.service.evaluate().opened == 1)
            #expect(try await Self.rules(fixture, subject: id) == ["purpose-required"])
            // Day 89: still nothing about reviews (the clock started at creation).
            fixture.clock.advance(seconds: 81 * Self.day)
            _ = try await fixture.service.evaluate()
            #expect(!(try await Self.rules(fixture, subject: id)).contains("review-interval"))
            fixture.clock.advance(seconds: 2 * Self.day)
            _ = try await fixture.service.evaluate()
            let review = try #require(try await fixture.service.findings(FindingFilter(rule: "review-interval", subjectID: id)).findings.first)
            #expect(review.message.contains("has not been reviewed in the 91 days since it was created"))
        }
    }
}
