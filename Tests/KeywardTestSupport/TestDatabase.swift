import Foundation
import KeywardStore
import SQLKit

/// The databases a test runs on: SQLite always, PostgreSQL too when `KEYWARD_TEST_DATABASE_URL`
/// names a server (`postgres://user@host:port/postgres`) where tests may create databases.
public enum TestDatabase: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KEYWARD_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// SQLite always; PostgreSQL when a server is configured.
    public static var available: [TestDatabase] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    public var description: String { rawValue }
}

/// A database of its own on a test PostgreSQL server, so that tests running in parallel never
/// see each other's rows; ``drop()`` removes it.
public struct TemporaryPostgresDatabase: Sendable {
    public let name: String
    /// The URL of the new database.
    public let url: String
    /// The URL of the server's database it was created from.
    public let serverURL: String

    /// Creates a database named `prefix` + 16 random hex digits on `server`.
    public static func create(on server: String? = TestDatabase.postgresURL, prefix: String = "keyward_test_") async throws -> TemporaryPostgresDatabase {
        guard let server else { throw StoreError.cannotOpen("KEYWARD_TEST_DATABASE_URL is not set") }
        let name = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await execute("CREATE DATABASE \(name)", on: server)
        var components = URLComponents(string: server)!
        components.path = "/" + name
        return TemporaryPostgresDatabase(name: name, url: components.string!, serverURL: server)
    }

    /// Runs `body` with a fresh database and drops it afterwards, also when `body` throws.
    public static func with(on server: String? = TestDatabase.postgresURL, prefix: String = "keyward_test_",
                            _ body: (TemporaryPostgresDatabase) async throws -> Void) async throws {
        let database = try await create(on: server, prefix: prefix)
        do {
            try await body(database)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    public func drop() async throws {
        try await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: serverURL)
    }

    /// Runs one statement on the database at `url` over a connection of its own.
    public static func execute(_ statement: String, on url: String) async throws {
        let backend = try await PostgresBackend.connect(url: url, maximumConnections: 1)
        do {
            try await backend.read { db in try await db.raw(SQLQueryString(statement)).run() }
        } catch {
            try? await backend.close()
            throw error
        }
        try await backend.close()
    }
}
