import Foundation
import KeywardCore
import KeywardServer
import KeywardStore
import KeywardTestSupport
import Testing

/// Where webhook events come from besides life-cycle changes: key.expiring and review.overdue
/// (written once by the scheduler, across restarts and nodes) and finding.opened (from the
/// findings' history of an evaluation).
@Suite("Webhook event sources", .timeLimit(.minutes(2)))
struct WebhookEventSourceTests {
    @Test("key.expiring is written once per key and expiry, even by two nodes at once", arguments: TestDatabase.available)
    func expiringOnce(backend: TestDatabase) async throws {
        try await WebhookFixture.with(backend) { fixture in
            let soon = try await fixture.issue("soon", ttlDays: 3)
            _ = try await fixture.issue("later", ttlDays: 30)
            _ = try await fixture.issue("never", ttlDays: nil)
            let revoked = try await fixture.issue("revoked soon", ttlDays: 2)
            _ = try await fixture.node.keys.revoke(id: revoked.id, reason: nil, by: WebhookFixture.admin)
            let other = try await fixture.openAnotherNode()
            let now = fixture.clock.now()
            #expect(try await Self.race(backend, { try await fixture.store.emitExpiringKeyEvents(now: now, withinDays: 7) },
                                        { try await other.store.emitExpiringKeyEvents(now: now, withinDays: 7) }) == 1)
            #expect(try await fixture.store.emitExpiringKeyEvents(now: now.adding(seconds: 3600), withinDays: 7) == 0, "not again after a restart")
            let events = try await fixture.store.auditEvents(limit: 100).filter { $0.action == "key.expiring" }
            #expect(events.count == 1 && events[0].subjectID == soon.id.description)
            #expect(events[0].details["owner"]?.stringValue == "payments" && events[0].details["days_left"] == .number(3))
            // Within 30 days, the later key is due too, once.
            #expect(try await fixture.store.emitExpiringKeyEvents(now: now, withinDays: 30) == 1)
        }
    }

    @Test("review.overdue is written once per overdue campaign", arguments: TestDatabase.available)
    func overdueOnce(backend: TestDatabase) async throws {
        try await WebhookFixture.with(backend) { fixture in
            _ = try await fixture.issue("reviewed")
            let campaign = try await fixture.node.governance.startReview(
                name: "quarterly", selector: InventorySelector(owners: [GlobPattern("payments")]), scopeDescription: "owner=payments",
                dueInDays: 1, by: WebhookFixture.admin)
            #expect(try await fixture.store.emitOverdueReviewEvents(now: fixture.clock.now()) == 0, "not overdue yet")
            fixture.clock.advance(seconds: 2 * 86_400)
            let other = try await fixture.openAnotherNode()
            let now = fixture.clock.now()
            #expect(try await Self.race(backend, { try await fixture.store.emitOverdueReviewEvents(now: now) },
                                        { try await other.store.emitOverdueReviewEvents(now: now) }) == 1)
            #expect(try await fixture.store.emitOverdueReviewEvents(now: fixture.clock.now().adding(seconds: 86_400)) == 0)
            let events = try await fixture.store.auditEvents(limit: 100).filter { $0.action == "review.overdue" }
            #expect(events.count == 1 && events[0].subjectID == campaign.id && events[0].details["unanswered"] == .number(1))
        }
    }

    /// Runs both nodes' calls at once on PostgreSQL (where nodes share a server) and one after the
    /// other on SQLite: two SQLite stores on one file in one test process share sqlite-nio's
    /// thread pool, where one waiting for the file's write lock can hold up the commit of the
    /// other (separate processes, as in production, do not).
    static func race(_ backend: TestDatabase, _ first: @escaping @Sendable () async throws -> Int,
                     _ second: @escaping @Sendable () async throws -> Int) async throws -> Int {
        guard backend == .postgres else { return try await first() + second() }
        async let one = first()
        async let two = second()
        return try await one + two
    }

    @Test("the dispatcher delivers key.expiring, review.overdue and finding.opened, each once")
    func scheduledAndFindingEvents() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyExpiring, .reviewOverdue, .findingOpened])
            let expiring = try await fixture.issue("expiring", ttlDays: 2)
            let forever = try await fixture.issue("forever", ttlDays: nil)
            _ = try await fixture.node.governance.startReview(
                name: "quarterly", selector: InventorySelector(owners: [GlobPattern("payments")]), scopeDescription: "owner=payments",
                dueInDays: 1, by: WebhookFixture.admin)
            let evaluation = try await fixture.node.governance.evaluate()
            #expect(evaluation.opened >= 1)
            let dispatcher = fixture.startDispatcher()
            try await eventually("key.expiring and finding.opened", clock: fixture.clock, step: 50) {
                let types = fixture.receiver.unique.map(\.type)
                return types.contains("key.expiring") && types.contains("finding.opened")
            }
            fixture.clock.advance(seconds: 2 * 86_400)
            try await eventually("review.overdue", clock: fixture.clock, step: 50) { fixture.receiver.unique.contains { $0.type == "review.overdue" } }
            // Evaluating again opens nothing new; a second dispatcher adds nothing either.
            try await fixture.node.governance.evaluate()
            try await dispatcher.stop()
            let second = fixture.startDispatcher()
            fixture.clock.advance(seconds: 60)
            try await eventually("the second dispatcher caught up", clock: fixture.clock, step: 50) {
                let caughtUp = try await fixture.store.ingestWebhookEvents(now: fixture.clock.now()).caughtUp
                let pending = try await fixture.deliveries(subscription, state: .pending)
                return caughtUp && pending.isEmpty
            }
            try await second.stop()

            let received = fixture.receiver.unique
            let deliveries = try await fixture.deliveries(subscription)
            #expect(deliveries.count == received.count && deliveries.allSatisfy { $0.state == .delivered }, "one delivery per event, all delivered")
            let expiringEvents = received.filter { $0.type == "key.expiring" }
            #expect(expiringEvents.map(\.subjectID) == [expiring.id.description])
            #expect(received.filter { $0.type == "review.overdue" }.count == 1)
            let findings = received.filter { $0.type == "finding.opened" }
            // Every finding the evaluations opened (policy and review-overdue ones, also those
            // resolved since) arrived once.
            let stored = try await fixture.store.governanceRead { sql in
                var all: [Finding] = []
                for source in FindingSource.allCases { all += try await sql.findings(source: source) }
                return all
            }
            let opened = Set(stored.map(\.id))
            #expect(Set(findings.map { $0.data["id"] as? String ?? "" }) == opened)
            #expect(findings.count == opened.count)
            let expiry = try #require(findings.first { $0.data["rule"] as? String == "expiry-required" && $0.subjectID == forever.id.description })
            #expect(expiry.data["severity"] as? String == "low" && expiry.data["owner"] as? String == "payments")
            #expect(expiry.data["reopened"] as? Bool == false && expiry.data["source"] as? String == "policy")
        }
    }
}

/// The leak → revoke → notify loop: a leak report reaches receivers as key.revoked, key.leaked
/// and the leak finding's finding.opened, each once (the leak lane also writes an audit action
/// named finding.opened; the finding is delivered from its history row only).
@Suite("Webhooks after a leak", .timeLimit(.minutes(2)))
struct WebhookLeakTests {
    @Test("a reported leak is delivered as key.revoked, key.leaked and finding.opened, once each")
    func leakLoop() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyLeaked, .keyRevoked, .findingOpened])
            let issued = try await fixture.node.keys.issue(IssueRequest(name: "leaky", owner: "payments", scopes: ["billing:read"]),
                                                          by: WebhookFixture.admin)
            let dispatcher = fixture.startDispatcher()
            let sighting = LeakSighting(hash: KeyHash(of: issued.plaintext.reveal()), tokenType: "keyward_api_key",
                                        url: "https://github.com/acme/app/blob/main/.env", source: "content")
            _ = try await fixture.node.keys.respondToLeaks([LeakReportBatch(sightings: [sighting], reporter: LeakReporter(name: "github"))],
                                                          action: .revoke)
            try await eventually("three deliveries", clock: fixture.clock, step: 50) { try await fixture.deliveries(subscription, state: .delivered).count == 3 }
            try await dispatcher.stop()
            let received = fixture.receiver.unique
            #expect(received.map(\.type).sorted() == ["finding.opened", "key.leaked", "key.revoked"])
            #expect(received.allSatisfy { $0.verified && $0.subjectID == issued.record.id.description && !$0.text.contains(issued.plaintext.reveal()) })
            let finding = try #require(received.first { $0.type == "finding.opened" })
            #expect(finding.data["source"] as? String == "leak" && finding.data["owner"] as? String == "payments")
            let leaked = try #require(received.first { $0.type == "key.leaked" })
            #expect(leaked.data["url"] as? String == "https://github.com/acme/app/blob/main/.env")
        }
    }
}
