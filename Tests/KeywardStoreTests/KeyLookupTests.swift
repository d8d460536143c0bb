import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Logging
import Synchronization
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
            let queries = QueryLog()
            // A second store on the same file whose connections log every statement they run.
            let observed = try await SQLStore.openSQLite(path: fixture.path, logger: queries.logger)
            let before = queries.lookups
            let found = try await observed.keys(hashes: issued.map(\.plaintext.hash))
            let lookups = queries.lookups - before
            try await observed.close()
            #expect(found.count == issued.count)
            #expect(lookups == 2, "\(issued.count) hashes take two queries of at most \(SQLStore.hashesPerQuery)")
        }
    }
}

/// Counts the `SELECT … FROM keys WHERE hash IN` statements SQLKit logs at debug level.
final class QueryLog: Sendable {
    private let count = Mutex(0)
    var lookups: Int { count.withLock { $0 } }

    var logger: Logger {
        var logger = Logger(label: "keyward-test-queries") { _ in Handler(log: self) }
        logger.logLevel = .debug
        return logger
    }

    struct Handler: LogHandler {
        let log: QueryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard case .string(let sql)? = event.metadata?["sql"], sql.contains("FROM keys WHERE hash IN") else { return }
            log.count.withLock { $0 += 1 }
        }
    }
}
