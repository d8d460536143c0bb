import KeywardCore
import KeywardGovernance
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("One inventory of keyward keys and external records")
struct InventoryViewTests {
    /// Two keyward keys and the four records of the credential report plus two generic ones.
    static func populated(_ fixture: GovernanceFixture) async throws {
        try await fixture.issue(name: "billing-sync", owner: "Team-Pay", environment: "prod")
        try await fixture.issue(name: "docs-bot", owner: "team-docs", environment: "test")
        let report = try fixture.file("report.csv", Exports.credentialReport(withBadRow: false))
        _ = try await fixture.service.importFile(kind: .awsCredentialReport, path: report, fileName: "report.csv", by: fixture.admin)
        let generic = try fixture.file("other.csv", Exports.genericCSV)
        _ = try await fixture.service.importFile(kind: .csv, path: generic, fileName: "other.csv", by: fixture.admin)
    }

    static func ids(_ page: InventoryPage) -> [String] {
        page.entries.map { entry in
            switch entry {
            case .key(let key): return key.id.description
            case .record(let record): return record.id
            }
        }
    }

    @Test("filters by provider, owner (any case), environment and status", arguments: TestDatabase.available)
    func filters(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            try await Self.populated(fixture)
            let service = fixture.service
            #expect(try await service.inventory(InventoryFilter()).entries.count == 8)
            #expect(try await service.inventory(InventoryFilter(provider: .keyward)).entries.count == 2)
            #expect(try await service.inventory(InventoryFilter(provider: .aws)).entries.count == 4)
            let owned = try await service.inventory(InventoryFilter(owner: "team-pay"))
            guard case .key(let key)? = owned.entries.first, owned.entries.count == 1 else { Issue.record("owner filter"); return }
            #expect(key.owner == "Team-Pay")
            let production = try await service.inventory(InventoryFilter(environment: "production"))
            #expect(production.entries.count == 2)
            #expect(try await service.inventory(InventoryFilter(environment: "prod")).entries.count == 1)

            // A key past its expiry and an imported record past its expiry both read expired.
            fixture.clock.advance(seconds: 200 * 86_400)
            let expired = try await service.inventory(InventoryFilter(status: .expired))
            #expect(expired.entries.count == 4)  // two 90-day keys, two generic records with expiry dates passed
            #expect(try await service.inventory(InventoryFilter(provider: .aws, status: .active)).entries.count == 4)
        }
    }

    @Test("cursor pages walk keys, then records, without gaps or repeats", arguments: TestDatabase.available)
    func pagination(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            try await Self.populated(fixture)
            let all = Self.ids(try await fixture.service.inventory(InventoryFilter(limit: 100)))
            var seen: [String] = []
            var filter = InventoryFilter(limit: 3)
            var pages = 0
            repeat {
                let page = try await fixture.service.inventory(filter)
                seen += Self.ids(page)
                filter.cursor = page.nextCursor
                pages += 1
            } while filter.cursor != nil
            #expect(seen == all)
            #expect(pages == 3)
            #expect(all.prefix(2).allSatisfy { $0.hasPrefix("key_") })
            // A page the keys fill exactly still leads on to the records.
            let keysOnly = try await fixture.service.inventory(InventoryFilter(limit: 2))
            #expect(Self.ids(keysOnly) == Array(all.prefix(2)))
            let next: String = try #require(keysOnly.nextCursor)
            let rest = try await fixture.service.inventory(InventoryFilter(limit: 100, cursor: next))
            #expect(Self.ids(rest) == Array(all.dropFirst(2)))
            await #expect(throws: KeywardError.self) { try await fixture.service.inventory(InventoryFilter(cursor: "zzz")) }
            await #expect(throws: KeywardError.self) { try await fixture.service.inventory(InventoryFilter(limit: 0)) }
        }
    }
}
