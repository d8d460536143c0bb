import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import SQLKit
import Synchronization
import Testing

@Suite("PostgreSQL store and change feeds")
struct PostgresStoreTests {
    @Test("a PostgreSQL server is configured (KEYWARD_TEST_DATABASE_URL); otherwise the PostgreSQL variants of the store tests are skipped",
          .enabled(if: TestDatabase.postgresURL != nil, "PostgreSQL tests skipped: set KEYWARD_TEST_DATABASE_URL=postgres://user@host:port/postgres to run them"))
    func serverIsReachable() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let count = try await fixture.store.keyCount()
            #expect(fixture.store.backend.flavor == .postgres)
            #expect(count == 0)
        }
    }

    @Test("nodes starting at once on one database apply each migration once",
          .enabled(if: TestDatabase.postgresURL != nil, "PostgreSQL tests skipped: KEYWARD_TEST_DATABASE_URL is not set"))
    func concurrentMigrations() async throws {
        let database = try await TemporaryPostgresDatabase.create()
        let stores = try await withThrowingTaskGroup(of: SQLStore.self) { group in
            for _ in 0..<4 { group.addTask { try await SQLStore.openPostgres(url: database.url) } }
            return try await group.reduce(into: [SQLStore]()) { $0.append($1) }
        }
        let applied = try await stores[0].backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations").first()?.decode(column: "n", as: Int.self)
        }
        #expect(applied == Migrations.all.count)
        for store in stores { try await store.close() }
        try await database.drop()
    }

    @Test("a change committed through one store reaches another store's feed; a rolled-back one does not",
          .enabled(if: TestDatabase.postgresURL != nil, "PostgreSQL tests skipped: KEYWARD_TEST_DATABASE_URL is not set"))
    func notifyFeed() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let other = try await SQLStore.openPostgres(url: fixture.temporaryDatabase!.url)
            let received = Received()
            let feed = try other.changeFeed(since: fixture.clock.now())
            let listener = Task { await feed.run { event in received.add(event) } }
            defer { listener.cancel() }
            try await Task.sleep(for: .milliseconds(300))  // LISTEN established
            let issued = try await fixture.service.issue(IssueRequest(name: "a", owner: "o"), by: fixture.admin)
            let revoked = try await fixture.service.revoke(id: issued.record.id, reason: "test", by: fixture.admin)
            struct Abort: Error {}
            _ = try? await fixture.store.backend.write { db -> Void in
                try await db.raw("SELECT pg_notify('keyward_keys', \(bind: KeyID.random().description))").run()
                throw Abort()
            }
            try await received.wait(forRecords: 2)
            let records = received.records
            #expect(records.map(\.id) == [issued.record.id, issued.record.id])
            #expect(records.last?.state == .revoked)
            #expect(records.last == revoked)
            try await other.close()
        }
    }

    @Test("SQLite: a commit by another process's connection is reported by the polling feed")
    func sqliteFeed() async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            let received = Received()
            let feed = SQLiteKeyChangeFeed(store: fixture.store, since: fixture.clock.now(), interval: .milliseconds(20), clock: fixture.clock)
            let listener = Task { await feed.run { event in received.add(event) } }
            defer { listener.cancel() }
            try await Task.sleep(for: .milliseconds(100))
            // Another "process": a second store on the same file.
            let other = try await SQLStore.openSQLite(path: fixture.path)
            let service = KeyService(store: other, lifecycle: try KeyLifecycle(), clock: fixture.clock) { _ in }
            let issued = try await service.issue(IssueRequest(name: "b", owner: "o"), by: fixture.admin)
            try await received.wait(forRecords: 1)
            #expect(received.records.map(\.id).contains(issued.record.id))
            // Writes through the feed's own store are not echoed back.
            let before = received.records.count
            _ = try await fixture.service.issue(IssueRequest(name: "c", owner: "o"), by: fixture.admin)
            try await Task.sleep(for: .milliseconds(200))
            #expect(received.records.count == before)
            try await other.close()
        }
    }
}

/// Events collected from a feed, with a bounded wait.
final class Received: Sendable {
    private let events = Mutex<[KeyChangeEvent]>([])

    func add(_ event: KeyChangeEvent) { events.withLock { $0.append(event) } }

    var records: [KeyRecord] {
        events.withLock { events in
            events.flatMap { event -> [KeyRecord] in
                if case .changed(let records) = event { return records }
                return []
            }
        }
    }

    func wait(forRecords count: Int) async throws {
        for _ in 0..<500 {
            if records.count >= count { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(count) changed records; got \(records.count)")
    }
}
