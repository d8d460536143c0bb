import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

/// `SQLStore.keys(hashes:)`: many hashes, one query per `hashesPerQuery`, every match found.
@Suite("Keys looked up by hash in batches", .timeLimit(.minutes(2)))
struct KeyLookupTests {
    /// Issues `count` keys at once (the issue group commit writes them in a few transactions).
    static func issue(_ count: Int, on fixture: StoreFixture) async throws -> [KeyLifecycle.Issued] {
        try await withThrowingTaskGroup(of: KeyLifecycle.Issued.self) { group in
            for index in 0..<count {
                group.addTask { try await fixture.service.issue(IssueRequest(name: "k\(index)", owner: "o"), by: fixture.admin) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("more hashes than one query takes: every key found across the chunk boundaries, unknown hashes absent", arguments: TestDatabase.available)
    func acrossChunks(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let issued = try await Self.issue(2 * SQLStore.hashesPerQuery + 100, on: fixture)
            let unknown = (0..<101).map { _ in KeyFormat.default.generate(environment: "live").hash }
            // Known and unknown interleaved, so every chunk holds both.
            var hashes: [KeyHash] = []
            for (index, key) in issued.enumerated() {
                hashes.append(key.plaintext.hash)
                if index % 10 == 0, index / 10 < unknown.count { hashes.append(unknown[index / 10]) }
            }
            #expect(hashes.count > 2 * SQLStore.hashesPerQuery + 100)
            let found = try await fixture.store.keys(hashes: hashes)
            #expect(found.count == issued.count)
            for key in issued { #expect(found[key.plaintext.hash]?.id == key.record.id) }
            #expect(unknown.allSatisfy { found[$0] == nil })
            #expect(try await fixture.store.keys(hashes: []).isEmpty)
        }
    }

    @Test("one query per chunk of hashes, not one per hash")
    func oneQueryPerChunk() async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            let issued = try await Self.issue(SQLStore.hashesPerQuery + 1, on: fixture)
            // A second store on the same file whose connections log every statement they run.
            let log = CapturedLog()
            let observed = try await SQLStore.openSQLite(path: fixture.path, logger: log.logger)
            func lookups() -> Int { log.text.components(separatedBy: "FROM keys WHERE hash IN").count - 1 }
            let before = lookups()
            let found = try await observed.keys(hashes: issued.map(\.plaintext.hash))
            let queries = lookups() - before
            try await observed.close()
            #expect(found.count == issued.count)
            #expect(queries == 2, "\(issued.count) hashes take two queries of at most \(SQLStore.hashesPerQuery)")
        }
    }
}
