import KeywardCore
import Logging
import SQLKit

/// keyward's persistence: keys, audit log, usage and settings on SQLite or PostgreSQL.
///
/// Every method that changes a key also appends its audit events in the same transaction, so
/// the log and the data cannot disagree. Methods take and return Core types; SQL stays here.
public final class SQLStore: Sendable {
    public let backend: any SQLBackend
    public let logger: Logger
    /// The master keys that seal stored secrets (webhook signing secrets) and derive the ones
    /// never stored (dashboard CSRF tokens). A deployment gives its key file's keys
    /// (`KeywardDeployment`); the default is a key of this process only.
    public let keyring: MasterKeyring

    public init(backend: any SQLBackend, keyring: MasterKeyring = .ephemeral, logger: Logger = Logger(label: "keyward.store")) {
        self.backend = backend
        self.keyring = keyring
        self.logger = logger
    }

    /// Opens the embedded SQLite store at `path`, creating and migrating it as needed.
    public static func openSQLite(path: String, durability: SQLiteBackend.Durability = .normal, keyring: MasterKeyring = .ephemeral,
                                  logger: Logger = Logger(label: "keyward.store")) async throws -> SQLStore {
        try await migrated(SQLiteBackend.open(path: path, durability: durability, logger: logger), keyring: keyring, logger: logger)
    }

    /// Opens PostgreSQL at `url` (postgres://user:password@host:port/database) and migrates it.
    /// Several nodes may do this at once: migrations serialise on an advisory lock.
    public static func openPostgres(url: String, keyring: MasterKeyring = .ephemeral, logger: Logger = Logger(label: "keyward.store")) async throws -> SQLStore {
        try await migrated(PostgresBackend.connect(url: url, logger: logger), keyring: keyring, logger: logger)
    }

    /// A store on `backend`, migrated, its plaintext secrets sealed; the backend is closed when
    /// that fails.
    private static func migrated(_ backend: any SQLBackend, keyring: MasterKeyring, logger: Logger) async throws -> SQLStore {
        let store = SQLStore(backend: backend, keyring: keyring, logger: logger)
        do {
            try await store.migrate()
            try await store.sealPlaintextSecrets()
        } catch {
            try? await backend.close()
            throw error
        }
        return store
    }

    /// The change feed that keeps a node's index in step with writes made elsewhere, from the
    /// time the index was last loaded.
    public func changeFeed(since: Timestamp, clock: any WallClock = SystemClock()) throws -> any KeyChangeFeed {
        switch backend.flavor {
        case .sqlite: return SQLiteKeyChangeFeed(store: self, since: since, clock: clock)
        case .postgres: return try PostgresKeyChangeFeed(store: self)
        }
    }

    public func migrate() async throws {
        try await Migrations.apply(on: backend)
    }

    public func close() async throws {
        try await backend.close()
    }

    // MARK: settings

    public func setting(_ name: String) async throws -> String? {
        try await backend.read { db in
            try await db.raw("SELECT value FROM settings WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self)
        }
    }

    static func setSetting(_ name: String, _ value: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM settings WHERE name = \(bind: name)").run()
        try await db.raw("INSERT INTO settings (name, value) VALUES (\(bind: name), \(bind: value))").run()
    }

    static func setting(_ name: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self)
    }
}
