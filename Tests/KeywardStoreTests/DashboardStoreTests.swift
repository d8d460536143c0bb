import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

/// The dashboard's SQL on both databases: aggregate counts, the sorted and filtered inventory,
/// the export walk, sessions, the audit browser.
@Suite("Dashboard queries", .timeLimit(.minutes(2)))
struct DashboardStoreTests {
    @Test("overview counts, inventory pages, export and sessions agree on SQLite and PostgreSQL", arguments: TestDatabase.available)
    func dashboardQueries(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
            // 12 keys: 4 a week old, 8 two hundred days old; every third expires within 90 days.
            for index in 0..<12 {
                fixture.clock.set(now.adding(seconds: index < 4 ? -7 * 86_400 : -200 * 86_400))
                let ttl: Int64? = index % 3 == 0 ? (index < 4 ? 30 : 230) * 86_400 : nil
                _ = try await fixture.service.issue(IssueRequest(name: "Svc-\(index)", owner: index % 2 == 0 ? "team-a" : "team-b",
                                                                 environment: index % 4 == 0 ? "test" : "live", ttlSeconds: ttl), by: fixture.admin)
            }
            fixture.clock.set(now)
            let page = try await fixture.store.dashboardInventory(DashboardInventoryQuery(), now: now)
            #expect(page.total == 12)
            let first = try #require(page.rows.first)
            _ = try await fixture.service.revoke(id: KeyID(first.id)!, reason: "test", by: fixture.admin)

            let counts = try await fixture.store.dashboardCounts(now: now, reviewIntervalDays: 90)
            #expect(counts.total == 12)
            #expect(counts.byStatus["revoked"] == 1)
            #expect(counts.byStatus["active"] == 11)
            #expect(counts.byProvider["keyward"] == 12)
            #expect(counts.byEnvironment["test"] == 3)
            #expect(counts.live == 11)
            #expect(counts.ages[0] == 3, "the revoked key was one of the young ones")
            #expect(counts.ages[3] == 8)
            // Keys 3, 6 and 9 expire in 23, 30 and 30 days (key 0 is revoked): weeks 3 and 4.
            #expect(counts.expiringByWeek.reduce(0, +) == 3)
            #expect(counts.reviewedLive == 0)

            var query = DashboardInventoryQuery()
            query.owner = "TEAM-A"
            query.sort = .name
            query.descending = true
            query.pageSize = 4
            let owned = try await fixture.store.dashboardInventory(query, now: now)
            #expect(owned.total == 6)
            #expect(owned.rows.map(\.name) == ["Svc-8", "Svc-6", "Svc-4", "Svc-2"])
            query.page = 2
            #expect(try await fixture.store.dashboardInventory(query, now: now).rows.map(\.name) == ["Svc-10", "Svc-0"])

            var expiring = DashboardInventoryQuery()
            expiring.sort = .expires
            let byExpiry = try await fixture.store.dashboardInventory(expiring, now: now)
            #expect(byExpiry.rows.prefix(4).allSatisfy { $0.expiresAt != nil })
            #expect(byExpiry.rows.last?.expiresAt == nil, "rows without a value sort last")
            var search = DashboardInventoryQuery()
            search.search = "svc-1"
            #expect(try await fixture.store.dashboardInventory(search, now: now).total == 3)
            search.search = "%"
            #expect(try await fixture.store.dashboardInventory(search, now: now).total == 0, "LIKE wildcards are literal")
            var revoked = DashboardInventoryQuery()
            revoked.status = .revoked
            #expect(try await fixture.store.dashboardInventory(revoked, now: now).rows.map(\.id) == [first.id])
            var old = DashboardInventoryQuery()
            old.age = .from90to365
            #expect(try await fixture.store.dashboardInventory(old, now: now).total == 8)

            // Most urgent first: expiring soonest, then never expiring (oldest first), revoked last.
            var urgent = DashboardInventoryQuery()
            urgent.sort = .urgency
            #expect(try await fixture.store.dashboardInventory(urgent, now: now).rows.map(\.name)
                    == ["Svc-3", "Svc-6", "Svc-9", "Svc-4", "Svc-5", "Svc-7", "Svc-8", "Svc-10", "Svc-11", "Svc-1", "Svc-2", "Svc-0"])

            var withFindings = DashboardInventoryQuery()
            withFindings.findings = .with
            #expect(try await fixture.store.dashboardInventory(withFindings, now: now).total == 0)
            withFindings.findings = .without
            #expect(try await fixture.store.dashboardInventory(withFindings, now: now).total == 12)

            var exported: [DashboardInventoryRow] = []
            try await fixture.store.forEachDashboardInventoryPage(DashboardInventoryQuery(), now: now, pageSize: 5) { exported.append(contentsOf: $0) }
            #expect(exported.count == 12)
            #expect(Set(exported.map(\.id)).count == 12)

            let session = DashboardSession(tokenHash: String(repeating: "a", count: 64), keyID: KeyID(first.id)!, keyHash: KeyHash(of: "x"),
                                           scopes: ["keyward:read"], createdAt: now,
                                           expiresAt: now.adding(seconds: 60))
            try await fixture.store.createDashboardSession(session, address: "127.0.0.1")
            #expect(try await fixture.store.dashboardSession(tokenHash: session.tokenHash, now: now) == session)
            #expect(try await fixture.store.dashboardSession(tokenHash: session.tokenHash, now: now.adding(seconds: 61)) == nil)
            try await fixture.store.deleteDashboardSession(tokenHash: session.tokenHash, keyID: session.keyID, reason: "signed out", at: now)
            #expect(try await fixture.store.dashboardSessionCount() == 0)
            let events = try await fixture.store.dashboardAuditEvents(action: "dashboard.signed_out", subjectID: nil, before: nil, limit: 10)
            #expect(events.count == 1)
            #expect(try await fixture.store.dashboardFindings(rules: ["nothing"], limit: 5).isEmpty)
            #expect(try await fixture.store.dashboardLeaks(since: now.adding(seconds: -30 * 86_400), limit: 5).count == 0)
            #expect(try await fixture.store.verifyAuditChain().problem == nil)
        }
    }
}
