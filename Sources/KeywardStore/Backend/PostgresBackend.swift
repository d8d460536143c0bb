import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL, for several stateless nodes sharing one database.
///
/// Connections come from a `PostgresClient` pool. `write` runs its body between `BEGIN` and
/// `COMMIT` on one pooled connection (READ COMMITTED; the store takes row locks with
/// `SELECT … FOR UPDATE` where it reads before it writes, and every audit append locks the
/// single `audit_head` row, which also orders appends across nodes).
public final class PostgresBackend: SQLBackend {
    public let flavor = SQLFlavor.postgres
    public let url: DatabaseURL
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger

    private init(url: DatabaseURL, client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.url = url
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    public static func connect(url text: String, maximumConnections: Int = 20, logger: Logger = Logger(label: "keyward.postgres")) async throws -> PostgresBackend {
        let url = try DatabaseURL(text)
        let logger = logger.forDatabaseDrivers
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: Self.tls(url.tls)
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // The pool must be running before the first lease, or the lease waits (and postgres-nio
        // warns); the runner signals once it is about to enter `run()`.
        let (started, signalStarted) = AsyncStream<Void>.makeStream()
        let runner = Task {
            signalStarted.finish()
            await client.run()
        }
        for await _ in started {}
        let backend = PostgresBackend(url: url, client: client, runner: runner, logger: logger)
        do {
            // A pool that cannot connect queues the lease instead of failing it: bound the wait,
            // so a wrong URL or a database that is down is an error at start, not a hang.
            try await withDeadline(.seconds(15)) {
                try await backend.read { db in try await db.raw("SELECT 1").run() }
            }
        } catch {
            runner.cancel()
            throw StoreError.cannotOpen("cannot connect to \(url.redacted): \(String(reflecting: error))")
        }
        return backend
    }

    static func tls(_ mode: DatabaseURL.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    /// The same settings for a single connection outside the pool (the change-feed listener).
    func connectionConfiguration() -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try! NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try! NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls
        )
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.sql(queryLogLevel: nil).transaction(body)
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }
}
