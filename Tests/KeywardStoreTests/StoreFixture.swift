import Foundation
import Testing
import KeywardCore
import KeywardStore
import SQLKit

/// Which database a conformance test runs on. PostgreSQL runs when `KEYWARD_TEST_DATABASE_URL`
/// names a server (each test gets a database of its own, dropped afterwards).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KEYWARD_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// SQLite always; PostgreSQL when a server is configured.
    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// A real store (a SQLite file in a fresh directory, or a fresh PostgreSQL database) with a key
/// service on a manual clock.
struct StoreFixture {
    let kind: StoreKind
    let directory: URL
    let path: String
    let store: SQLStore
    let clock: ManualClock
    let service: KeyService
    let admin = Principal.system("test")
    /// The PostgreSQL database created for this fixture, dropped by ``close()``.
    let temporaryDatabase: TemporaryPostgresDatabase?

    static func make(_ kind: StoreKind = .sqlite) async throws -> StoreFixture {
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
    static func with(_ kind: StoreKind = .sqlite, _ body: (StoreFixture) async throws -> Void) async throws {
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


/// A database of its own on the test PostgreSQL server.
struct TemporaryPostgresDatabase: Sendable {
    let name: String
    let url: String
    let adminURL: String

    static func create() async throws -> TemporaryPostgresDatabase {
        guard let adminURL = StoreKind.postgresURL else { throw StoreError.cannotOpen("KEYWARD_TEST_DATABASE_URL is not set") }
        let name = "keyward_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await admin(adminURL) { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        var components = URLComponents(string: adminURL)!
        components.path = "/" + name
        return TemporaryPostgresDatabase(name: name, url: components.string!, adminURL: adminURL)
    }

    func drop() async throws {
        try await Self.admin(adminURL) { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
    }

    static func admin(_ url: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let backend = try await PostgresBackend.connect(url: url, maximumConnections: 1)
        do {
            try await backend.read(body)
        } catch {
            try? await backend.close()
            throw error
        }
        try await backend.close()
    }
}
