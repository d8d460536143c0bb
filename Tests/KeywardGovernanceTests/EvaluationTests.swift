import KeywardCore
import KeywardGovernance
import KeywardPolicy
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("Policy evaluation kept current in the store")
struct EvaluationTests {
    static let day: Int64 = 86_400

    static func stored(_ fixture: GovernanceFixture, subject: String) async throws -> [String: Finding] {
        let page = try await fixture.service.findings(FindingFilter(subjectID: subject, limit: 1000))
        return Dictionary(uniqueKeysWithValues: page.findings.map { ($0.rule, $0) })
    }

    // Issue 14 changed this test deliberately: a new key's review is due 90 days after its
    // creation, so the first evaluation opens two findings (no expiry), not three, and the
    // acknowledged finding is expiry-required; review-interval opens on day 91 with rotation.
    @Test("findings open as time passes, survive re-evaluation with their acknowledgement, and resolve when the key is revoked", arguments: TestDatabase.available)
    func lifecycle(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let key = try await fixture.issue(name: "billing-sync", owner: "team-pay", meta: ["purpose": "nightly billing export"], ttlDays: nil)
            let id = key.id.description
            let first = try await fixture.service.evaluate()
            #expect(first.opened == 2)
            var findings = try await Self.stored(fixture, subject: id)
            #expect(Set(findings.keys) == ["expiry-required", "token-lifetime"])
            let expiry = try #require(findings["expiry-required"])
            #expect(expiry.subject.kind == .key && expiry.subject.owner == "team-pay" && expiry.subject.provider == .keyward)
            #expect(expiry.frameworks.map(\.description).contains("OWASP-NHI-2025:NHI7"))
            #expect(expiry.openedAt == GovernanceFixture.start)
            #expect(!expiry.message.isEmpty && !expiry.remediation.isEmpty)

            let again = try await fixture.service.evaluate()
            #expect(again.opened == 0 && again.resolved == 0)
            #expect(try await Self.stored(fixture, subject: id).count == 2)

            let acknowledged = try await fixture.service.acknowledge(id: expiry.id, note: "expiry booked for Monday", by: fixture.admin, name: "team-pay")
            #expect(acknowledged.state == .acknowledged)
            await #expect(throws: KeywardError.self) {
                try await fixture.service.acknowledge(id: expiry.id, note: nil, by: fixture.admin, name: "team-pay")
            }

            // Day 46: never used for 45 days. Day 91: due for rotation and for its first review.
            // Nobody ran a command.
            fixture.clock.advance(seconds: 46 * Self.day)
            #expect(try await fixture.service.evaluate().opened == 1)
            fixture.clock.advance(seconds: 45 * Self.day)
            #expect(try await fixture.service.evaluate().opened == 2)
            findings = try await Self.stored(fixture, subject: id)
            #expect(findings["stale-credentials"]?.state == .open)
            #expect(findings["credential-rotation"]?.state == .open)
            #expect(findings["review-interval"]?.state == .open)
            #expect(findings["review-interval"]?.frameworks.map(\.description).contains("CIS-Controls-8:5.5") == true)
            #expect(findings["expiry-required"]?.state == .acknowledged)

            _ = try await fixture.keys.revoke(id: key.id, reason: "retired", by: fixture.admin)
            let afterRevoke = try await fixture.service.evaluate()
            #expect(afterRevoke.resolved == 5)
            let detail = try await fixture.service.finding(id: expiry.id)
            #expect(detail.finding.state == .resolved)
            #expect(detail.history.map(\.transition.to) == [.open, .acknowledged, .resolved])
            #expect(detail.history[1].transition.reason.contains("expiry booked for Monday"))
            #expect(detail.history[1].actor == fixture.admin.id)
            let actions = try await fixture.auditActions()
            #expect(actions.contains("finding.acknowledged"))
            #expect(actions.filter { $0 == "findings.evaluated" }.count == 4)
        }
    }

    static let exceptionPolicy = """
    version: 1
    name: test-policy
    rules:
      - id: short-lived
        check: max_age
        threshold: 30d
        severity: high
    exceptions:
      - id: legacy-waiver
        rule: short-lived
        keys: ["legacy-*"]
        justification: vendor cannot rotate until spring
        approver: ciso@example.com
        expires: 2027-02-01
    """

    @Test("an exception suppresses until it expires, then the finding opens again with its history", arguments: TestDatabase.available)
    func exceptions(_ backend: TestDatabase) async throws {
        let policy = try LoadedPolicy.parse(Self.exceptionPolicy, file: "policy.yaml")
        try await GovernanceFixture.with(backend, policy: policy) { fixture in
            let legacy = try await fixture.issue(name: "legacy-sync", owner: "team-pay", ttlDays: nil)
            let fresh = try await fixture.issue(name: "fresh-sync", owner: "team-pay", ttlDays: nil)
            fixture.clock.advance(seconds: 31 * Self.day)
            let summary = try await fixture.service.evaluate()
            #expect(summary.opened == 1 && summary.suppressed == 1)
            let waived = try #require(try await Self.stored(fixture, subject: legacy.id.description)["short-lived"])
            #expect(waived.state == .suppressed)
            #expect(waived.exception == "legacy-waiver")
            #expect(try await Self.stored(fixture, subject: fresh.id.description)["short-lived"]?.state == .open)

            fixture.clock.set(Timestamp(iso8601: "2027-02-02T00:00:00Z")!)
            _ = try await fixture.service.evaluate()
            let reopened = try await fixture.service.finding(id: waived.id)
            #expect(reopened.finding.state == .open)
            #expect(reopened.finding.exception == nil)
            #expect(reopened.history.map(\.transition.to) == [.suppressed, .open])
            #expect(reopened.history[1].transition.reason.contains("legacy-waiver"))
        }
    }

    @Test("findings filter by state, severity, rule, owner and framework, worst first, in cursor pages", arguments: TestDatabase.available)
    func filters(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            // Issue 14: both keys carry a review from before their creation (review due), and the
            // evaluation runs after purpose-required's week of grace, so the same six findings open.
            let reviewed: JSONValue = .string(GovernanceFixture.start.adding(seconds: -100 * Self.day).iso8601)
            try await fixture.issue(name: "a", owner: "team-pay", scopes: ["billing:*"], environment: "prod", meta: ["reviewed_at": reviewed], ttlDays: nil)
            try await fixture.issue(name: "b", owner: "Team-Docs", meta: ["purpose": "docs", "reviewed_at": reviewed])
            fixture.clock.advance(seconds: 8 * Self.day)
            _ = try await fixture.service.evaluate()
            let service = fixture.service
            let all = try await service.findings(FindingFilter(limit: 1000)).findings
            #expect(all.count == 6)
            #expect(all.map(\.severity) == all.map(\.severity).sorted(by: >))
            #expect(try await service.findings(FindingFilter(severities: [.high])).findings.map(\.rule) == ["production-least-privilege"])
            #expect(try await service.findings(FindingFilter(minimumSeverity: .medium)).findings.count == 3)
            #expect(try await service.findings(FindingFilter(rule: "purpose-required")).findings.map(\.subject.owner) == ["team-pay"])
            #expect(try await service.findings(FindingFilter(owner: "team-docs")).findings.map(\.rule) == ["review-interval"])
            #expect(try await service.findings(FindingFilter(framework: "OWASP-NHI-2025:NHI5")).findings.count == 1)
            #expect(try await service.findings(FindingFilter(framework: "CIS-Controls-8")).findings.count == 3)
            #expect(try await service.findings(FindingFilter(states: [.resolved])).findings.isEmpty)

            var seen: [String] = []
            var filter = FindingFilter(limit: 2)
            repeat {
                let page = try await service.findings(filter)
                seen += page.findings.map(\.id)
                filter.cursor = page.nextCursor
            } while filter.cursor != nil
            #expect(seen == all.map(\.id))
        }
    }

    @Test("the policy in force is audit-logged once per distinct text; check evaluates another policy without storing", arguments: TestDatabase.available)
    func policyRecording(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            try await fixture.service.usePolicy(.builtIn, by: fixture.admin)
            try await fixture.service.usePolicy(.builtIn, by: fixture.admin)
            #expect(try await fixture.auditActions() == ["policy.loaded"])
            try await fixture.issue(name: "old", owner: "team-pay", ttlDays: nil)
            let strict = try LoadedPolicy.parse(Self.exceptionPolicy.replacingOccurrences(of: "30d", with: "1d"), file: "strict.yaml")
            fixture.clock.advance(seconds: 2 * Self.day)
            let gate = try await fixture.service.gate(strict.policy)
            #expect(gate.evaluation.findings.map(\.rule) == ["short-lived"])
            #expect(gate.failing(atOrAbove: .high).count == 1)
            #expect(try await fixture.service.findings(FindingFilter()).findings.isEmpty)
            try await fixture.service.usePolicy(strict, by: fixture.admin)
            #expect(try await fixture.auditActions().filter { $0 == "policy.loaded" }.count == 2)
            #expect(fixture.service.policy.policy.name == "test-policy")
        }
    }

    @Test("the gate counts an offboarding finding beside the policy's, and not once a person acknowledged it", arguments: TestDatabase.available)
    func gateCountsOtherSources(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let generic = try fixture.file("owned.csv", Exports.genericCSV)
            _ = try await fixture.service.importFile(kind: .csv, path: generic, fileName: "owned.csv", by: fixture.admin)
            let offboarded = try #require(try await fixture.service.offboard(handle: "bob", reason: "left", by: fixture.admin).findings.first)
            let quiet = try LoadedPolicy.parse(Self.exceptionPolicy.replacingOccurrences(of: "30d", with: "3650d"), file: "quiet.yaml")
            let gate = try await fixture.service.gate(quiet.policy)
            #expect(gate.evaluation.findings.isEmpty)
            #expect(gate.failing(atOrAbove: .high).map(\.finding.id) == [offboarded.id])
            #expect(gate.failingBySource(atOrAbove: .high).filter { $0.count > 0 }.map(\.source) == [.offboarding])
            #expect(gate.failing(atOrAbove: .critical).isEmpty)
            _ = try await fixture.service.acknowledge(id: offboarded.id, note: nil, by: fixture.admin, name: "ops")
            let after = try await fixture.service.gate(quiet.policy)
            #expect(after.failing(atOrAbove: .info).isEmpty && after.entries.map(\.finding.state) == [.acknowledged])
        }
    }
}
