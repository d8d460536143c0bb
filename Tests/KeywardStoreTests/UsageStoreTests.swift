import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import SQLKit
import Testing

/// Usage monitoring in the store, on SQLite and (with KEYWARD_TEST_DATABASE_URL) PostgreSQL.
@Suite("Usage monitoring store", .timeLimit(.minutes(2)))
struct UsageStoreTests {
    let hour = Timestamp(secondsSinceEpoch: 1_800_000_000).hourStart

    func batch(key: KeyID, node: Int, round: Int) -> UsageBatch {
        var batch = UsageBatch()
        batch.counts = [
            UsageCount(keyID: key, hour: hour, code: .valid, count: 3),
            UsageCount(keyID: key, hour: hour, code: .revoked, count: 1),
        ]
        let seen = hour.adding(seconds: Int64(round))
        batch.callers = [
            // Both nodes see the shared caller; each also has one of its own.
            CallerUsage(keyID: key, caller: CallerIdentity(address: "10.0.0.1", label: "shared"), firstSeen: seen, lastSeen: seen.adding(seconds: Int64(node)),
                        count: 2, validCount: 2),
            CallerUsage(keyID: key, caller: CallerIdentity(address: "10.0.\(node).2", agent: "node-\(node)"), firstSeen: seen, lastSeen: seen,
                        count: 1, validCount: 1),
        ]
        batch.guesses = [GuessUsage(source: "203.0.113.9", hour: hour, notFound: 2, malformed: 1, firstSeen: seen, lastSeen: seen)]
        return batch
    }

    @Test("usage flushed by two nodes at once is merged without lost updates", arguments: TestDatabase.available)
    func twoNodesMerge(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let second: SQLStore = kind == .sqlite
                ? try await SQLStore.openSQLite(path: fixture.path)
                : try await SQLStore.openPostgres(url: fixture.temporaryDatabase!.url)
            let key = KeyID.random()
            let rounds = 40
            // Batches are built before the tasks: an async closure must not capture a `KeyID`
            // (a `UInt128`; see SQLStore.keyUsage).
            let work = [fixture.store, second].enumerated().map { node, store in
                (store, (0..<rounds).map { self.batch(key: key, node: node, round: $0) })
            }
            do {
                if kind == .postgres {
                    // Two nodes flushing at the same moment, as on a shared PostgreSQL.
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (store, batches) in work {
                            group.addTask {
                                for batch in batches { try await store.recordMonitoredUsage(batch) }
                            }
                        }
                        try await group.waitForAll()
                    }
                } else {
                    // SQLite has one writer per file: two stores in one test process take turns
                    // (concurrently, both would block sqlite-nio's small thread pool in the busy
                    // handler). The merge is still across two connections' upserts.
                    for round in 0..<rounds {
                        for (store, batches) in work { try await store.recordMonitoredUsage(batches[round]) }
                    }
                }
            } catch {
                try? await second.close()
                throw error
            }
            try await second.close()
            let usage = try await fixture.store.keyUsage(key, since: hour)
            #expect(usage.hourly.first { $0.code == .valid }?.count == Int64(3 * 2 * rounds))
            #expect(usage.hourly.first { $0.code == .revoked }?.count == Int64(2 * rounds))
            #expect(usage.callers.count == 3)
            let shared = try #require(usage.callers.first { $0.caller.label == "shared" })
            #expect(shared.count == Int64(2 * 2 * rounds))
            #expect(shared.firstSeen == hour)
            #expect(shared.lastSeen == hour.adding(seconds: Int64(rounds - 1 + 1)))
            #expect(shared.network == "10.0.0.0/24")
            let guesses = try await fixture.store.guessTotals(["203.0.113.9"], hour: hour)
            #expect(guesses.first?.notFound == Int64(2 * 2 * rounds))
            #expect(guesses.first?.malformed == Int64(2 * rounds))
        }
    }

    @Test("a batch repeating rows (a retried flush) is coalesced; callers beyond the per-key cap become overflow", arguments: TestDatabase.available)
    func coalesceAndCap(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let key = KeyID.random()
            var retried = batch(key: key, node: 0, round: 0)
            retried.merge(batch(key: key, node: 0, round: 1))
            try await fixture.store.recordMonitoredUsage(retried)
            var usage = try await fixture.store.keyUsage(key, since: hour)
            #expect(usage.hourly.first { $0.code == .valid }?.count == 6)
            #expect(usage.callers.count == 2)

            var flood = UsageBatch()
            let cap = SQLStore.maximumStoredCallersPerKey
            flood.callers = (0..<(cap + 10)).map { index in
                CallerUsage(keyID: key, caller: CallerIdentity(address: "10.\(index / 65536).\((index / 256) % 256).\(index % 256)"),
                            firstSeen: hour, lastSeen: hour, count: 2, validCount: 2)
            }
            try await fixture.store.recordMonitoredUsage(flood)
            usage = try await fixture.store.keyUsage(key, since: hour, callerLimit: 10)
            #expect(usage.callers.count == 10)
            #expect(usage.callers.count + usage.moreCallers == cap)
            // 12 callers did not fit (2 were stored before): 2 verifications each.
            #expect(usage.callerOverflow == 24)
            // A stored caller of a full key still merges.
            try await fixture.store.recordMonitoredUsage(batch(key: key, node: 0, round: 5))
            let shared = try await fixture.store.keyUsage(key, since: hour, callerLimit: cap).callers.first { $0.caller.label == "shared" }
            #expect(shared?.count == 6)
        }
    }

    @Test("facts for the detector and pruning", arguments: TestDatabase.available)
    func factsAndPrune(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let key = KeyID.random()
            var early = batch(key: key, node: 0, round: 0)
            early.counts = [UsageCount(keyID: key, hour: hour.adding(seconds: -7200), code: .valid, count: 5)]
            early.callers[0].firstSeen = hour.adding(seconds: -7200)
            try await fixture.store.recordMonitoredUsage(early)
            try await fixture.store.recordMonitoredUsage(batch(key: key, node: 1, round: 0))
            #expect(try await fixture.store.usageFirstSeen([key])[key] == hour.adding(seconds: -7200))
            let networks = try await fixture.store.networkFirstSeen([(key: key, network: "10.0.0.0/24"), (key: key, network: "10.0.1.0/24")])
            #expect(networks["\(key)|10.0.0.0/24"] == hour.adding(seconds: -7200))
            #expect(networks["\(key)|10.0.1.0/24"] == hour)
            let totals = try await fixture.store.hourlyTotals([key], hours: hour.adding(seconds: -7200)...hour)
            #expect(totals[key]?[hour.adding(seconds: -7200).millisecondsSinceEpoch] == 5)
            #expect(totals[key]?[hour.millisecondsSinceEpoch] == 4)

            try await fixture.store.pruneUsage(before: hour)
            let usage = try await fixture.store.keyUsage(key, since: hour.adding(seconds: -86_400))
            #expect(usage.hourly.allSatisfy { $0.hour >= hour })
            #expect(usage.callers.count == 3)
        }
    }
}
