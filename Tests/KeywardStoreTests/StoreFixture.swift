import Foundation
import Testing
import KeywardCore
import KeywardStore
import KeywardTestSupport
import SQLKit

/// A real store (a SQLite file in a fresh directory, or a fresh PostgreSQL database) with a key
/// service on a manual clock.
struct StoreFixture {
    let kind: TestDatabase
    let directory: URL
    let path: String
    let store: SQLStore
    let clock: ManualClock
    let service: KeyService
    let admin = Principal.system("test")
    /// The PostgreSQL database created for this fixture, dropped by ``close()``.
    let temporaryDatabase: TemporaryPostgresDatabase?

    static func make(_ kind: TestDatabase = .sqlite) async throws -> StoreFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("keyward.db").path
        let store: SQLStore
        var database: TemporaryPostgresDatabase?
        switch kind {
        case .sqlite:
            store = try await SQLStore.openSQLite(path: path)
        case .postgres:
            let created = try await TemporaryPostgresDatabase.create()
            database = created
            store = try await SQLStore.openPostgres(url: created.url)
        }
        let clock = ManualClock()
        let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: clock) { _ in }
        return StoreFixture(kind: kind, directory: directory, path: path, store: store, clock: clock, service: service, temporaryDatabase: database)
    }

    /// Runs `body` on a fresh fixture and closes it afterwards, also when `body` throws.
    static func with(_ kind: TestDatabase = .sqlite, _ body: (StoreFixture) async throws -> Void) async throws {
        let fixture = try await make(kind)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    func close() async throws {
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
        try await temporaryDatabase?.drop()
    }

    /// Runs raw SQL on the file, as an attacker with write access to it would.
    func tamper(_ sql: String) async throws {
        try await store.backend.write { db in try await db.raw(SQLQueryString(sql)).run() }
    }
}
