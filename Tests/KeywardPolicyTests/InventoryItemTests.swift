import Testing
import KeywardCore
import KeywardPolicy

@Suite struct InventoryItemTests {
    func key(expiresAt: Timestamp? = nil, state: KeyState = .active, meta: [String: JSONValue] = [:]) -> KeyRecord {
        KeyRecord(id: KeyID(value: 42), hash: KeyHash(of: "kw_live_example"), name: "checkout", owner: "payments", prefix: "kw",
                  start: "AbCd", environment: "live", scopes: ["billing:*"], state: state, createdAt: Sample.daysAgo(100),
                  expiresAt: expiresAt, lastUsedAt: Sample.daysAgo(2), meta: meta)
    }

    @Test func keywardKeysBecomeItemsWithMetaFields() {
        let item = InventoryItem(key: key(meta: ["purpose": "checkout API", "reviewed_at": "2026-10-01T00:00:00Z",
                                                 "tags": ["team": "payments", "tier": 1]]), now: Sample.now)
        #expect(item.subject.kind == .key && item.subject.provider == .keyward)
        #expect(item.subject.id == KeyID(value: 42).description)
        #expect(item.subject.externalID == "kw_live_AbCd…")
        #expect(item.owner == "payments" && item.identity == "checkout")
        #expect(item.purpose == "checkout API" && item.reviewedAt == Timestamp(iso8601: "2026-10-01"))
        #expect(item.tags == ["team": "payments"])
        #expect(item.environments == ["live"] && item.lastRotatedAt == Sample.daysAgo(100))
        #expect(item.ageInDays(at: Sample.now) == 100)
    }

    @Test func statusIsResolvedAgainstTheClock() {
        #expect(InventoryItem(key: key(expiresAt: Sample.daysAgo(1)), now: Sample.now).status == .expired)
        #expect(InventoryItem(key: key(expiresAt: Sample.inDays(1), state: .rotating), now: Sample.now).status == .rotating)
        let record = InventoryRecord(naturalKey: "other:other:x", provider: .other, kind: .other, expiresAt: Sample.daysAgo(1),
                                     status: .active, firstSeenAt: Sample.daysAgo(10))
        let item = InventoryItem(record: record, now: Sample.now)
        #expect(item.status == .expired && item.subject.kind == .externalKey && item.subject.id == record.id)
        #expect(record.id.hasPrefix("inv_") && record.id == InventoryRecord.id(forNaturalKey: "other:other:x"))
    }

    @Test func selectorsMatchAcrossDimensions() {
        let item = Sample.apiKey("key_1", owner: "team-payments", environments: ["Production"], tags: ["tier": "1"])
        #expect(InventorySelector(providers: [.keyward], environments: [GlobPattern("prod*")]).matches(item))
        #expect(InventorySelector(owners: [GlobPattern("team-*")], tags: ["tier": [GlobPattern("1")]]).matches(item))
        #expect(!InventorySelector(tags: ["tier": [GlobPattern("2")]]).matches(item))
        #expect(!InventorySelector(providers: [.aws]).matches(item))
        #expect(!InventorySelector(statuses: [.revoked]).matches(item))
        #expect(GlobPattern("a*b*c").matches("aXXbYYc") && GlobPattern("a*b*c").matches("abXc"))
        #expect(!GlobPattern("a*b*c").matches("acb") && !GlobPattern("a*a").matches("a"))
        #expect(!GlobPattern("*:admin").matches("admin:read") && GlobPattern("*").matches(""))
    }

    @Test func offboardingPlanRevokesOwnKeysAndFlagsExternalOnes() {
        let items = [Sample.apiKey("key_1", owner: "Bob"), Sample.awsKey("AKIA00000000000000B1", owner: "bob"),
                     Sample.awsKey("AKIA00000000000000B2", owner: "bob", status: .disabled), Sample.apiKey("key_2", owner: "alice")]
        let plan = OffboardingPlan(owner: "bob", items: items, now: Sample.now)
        #expect(plan.keysToRevoke.map(\.id) == ["key_1"])
        #expect(plan.findings.map(\.subject.externalID) == ["AKIA00000000000000B1"])
        #expect(plan.findings.first?.rule == OffboardingPlan.rule && plan.findings.first?.frameworks.contains(.nhi(1)) == true)
        #expect(plan.alreadyInactive.map(\.externalID) == ["AKIA00000000000000B2"])
    }
}
