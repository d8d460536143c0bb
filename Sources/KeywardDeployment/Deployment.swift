import Foundation
import KeywardCore
import KeywardGovernance
import KeywardSettings
import KeywardStore
import Logging

/// The composition root: one keyward deployment opened from its configuration — the store, the
/// key life-cycle of its key format, the key service and the governance service — built the same
/// way for `keyward serve` (under a ``KeywardNode``), `keyward init`, the offline governance
/// commands and `keyward scan --db`.
///
/// ```swift
/// let deployment = try await Deployment.open(configuration, logger: logger)
/// defer { … try await deployment.close() }
/// let key = try await deployment.keys.issue(…)
/// ```
///
/// The server builds its services on ``init(store:configuration:clock:logger:changes:onKeyChange:)``
/// with a hook that keeps its verify index current; commands without an index pass none.
public struct Deployment: Sendable {
    public let configuration: KeywardConfiguration
    public let store: SQLStore
    public let lifecycle: KeyLifecycle
    public let keys: KeyService
    public let governance: GovernanceService
    public let clock: any WallClock

    /// Builds the services on an open store.
    ///
    /// - Parameters:
    ///   - changes: signalled on every inventory change, for the evaluation scheduler.
    ///   - onKeyChange: called after every committed key change, with the records as written.
    /// - Throws: ``ConfigurationError`` naming the `prefix`, `environments` or `policy` setting
    ///   when it cannot be used.
    public init(store: SQLStore, configuration: KeywardConfiguration, origins: ResolvedConfiguration? = nil, clock: any WallClock = SystemClock(),
                logger: Logger = Logger(label: "keyward"), changes: InventoryChanges = InventoryChanges(),
                onKeyChange: @escaping @Sendable ([KeyRecord]) -> Void = { _ in }) throws {
        let resolved = origins ?? ResolvedConfiguration(configuration: configuration)
        let lifecycle: KeyLifecycle
        do {
            lifecycle = try KeyLifecycle(format: KeyFormat(prefix: configuration.keyPrefix), environments: configuration.environments)
        } catch {
            throw resolved.problem("prefix", "and environments do not make a key format: \(error)")
        }
        let policy: LoadedPolicy
        do {
            policy = try configuration.policyPath.map(LoadedPolicy.load(file:)) ?? .builtIn
        } catch {
            throw resolved.problem("policy", "\(error)")
        }
        let keys = KeyService(store: store, lifecycle: lifecycle, clock: clock) { records in
            onKeyChange(records)
            changes.signal()
        }
        self.configuration = configuration
        self.store = store
        self.lifecycle = lifecycle
        self.keys = keys
        self.clock = clock
        self.governance = GovernanceService(store: store, keys: keys, clock: clock, policy: policy, changes: changes, logger: logger)
    }

    /// Opens the database the configuration names and builds the services on it.
    ///
    /// - Parameter existing: refuse to create a database: a command that reads or changes an
    ///   existing deployment (`findings list --db`, `scan --db`) should fail on a mistyped path,
    ///   not create an empty database there.
    public static func open(_ resolved: ResolvedConfiguration, existing: Bool = false, clock: any WallClock = SystemClock(),
                            logger: Logger = Logger(label: "keyward")) async throws -> Deployment {
        let store = try await openStore(resolved, existing: existing, logger: logger)
        do {
            return try Deployment(store: store, configuration: resolved.configuration, origins: resolved, clock: clock, logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Opens and migrates the database of the configuration: PostgreSQL when `database_url` is
    /// set, else the SQLite file of `db`; stored secrets are sealed under the master key of
    /// `master_key_file` (``keyring(_:database:)``).
    public static func openStore(_ resolved: ResolvedConfiguration, existing: Bool = false, logger: Logger = Logger(label: "keyward")) async throws -> SQLStore {
        let location = DatabaseLocation(resolved)
        switch location {
        case .postgres(let url):
            let keyring = try keyring(resolved, database: location)
            do {
                return try await SQLStore.openPostgres(url: url, keyring: keyring, logger: logger)
            } catch let error as StoreError {
                throw resolved.problem("database_url", error.description)
            }
        case .sqlite(let path):
            if existing, !FileManager.default.fileExists(atPath: path) {
                throw resolved.problem("db", "names no keyward database: \(path) does not exist")
            }
            return try await SQLStore.openSQLite(path: path, keyring: try keyring(resolved, database: location), logger: logger)
        }
    }

    /// The master keys of a deployment: those of `master_key_file`; without it, a SQLite
    /// deployment's `<db>.key`, created on first use (by `keyward init`, or `serve` on a fresh
    /// database). PostgreSQL nodes share a database and so must share a key: one is required.
    public static func keyring(_ resolved: ResolvedConfiguration, database: DatabaseLocation) throws -> MasterKeyring {
        let named = resolved.configuration.masterKeyFile
        let path: String
        switch (database, named) {
        case (_, let named?):
            path = named
        case (.postgres, nil):
            throw resolved.problem("master_key_file", """
                must be set with database_url (KEYWARD_MASTER_KEY_FILE): every node seals and opens the same secrets, so all need \
                the same key file; create one with `openssl rand -base64 32 > keyward.key && chmod 600 keyward.key`
                """)
        case (.sqlite(let database), nil):
            path = MasterKeyFile.defaultPath(database: database)
        }
        do {
            return try MasterKeyFile.load(path, create: named == nil)
        } catch {
            throw resolved.problem("master_key_file", error.description)
        }
    }

    /// Re-seals every stored secret under the first key of `newKeyFile` (created with a new key
    /// when missing), opening them with the deployment's keys or the new file's. Returns the new
    /// key and what was re-sealed.
    public func rotateMasterKey(newKeyFile: String) async throws -> (key: MasterKey, resealing: SQLStore.Resealing) {
        let newKeys = try MasterKeyFile.load(newKeyFile, create: true)
        return (newKeys.current, try await store.resealSecrets(under: newKeys))
    }

    /// Closes the store.
    public func close() async throws {
        try await store.close()
    }

    /// Opens the deployment, runs `body` and closes it, also when `body` throws.
    public static func with<T>(_ resolved: ResolvedConfiguration, existing: Bool = false, logger: Logger = Logger(label: "keyward"),
                               _ body: (Deployment) async throws -> T) async throws -> T {
        let deployment = try await open(resolved, existing: existing, logger: logger)
        do {
            let result = try await body(deployment)
            try await deployment.close()
            return result
        } catch {
            try? await deployment.close()
            throw error
        }
    }
}
