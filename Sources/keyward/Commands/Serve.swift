import ArgumentParser
import Foundation
import KeywardCore
import KeywardServer
import KeywardStore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the keyward server on the embedded SQLite database.",
        discussion: "On a new database the first start prints a bootstrap admin key, once. SIGTERM or SIGINT stops it gracefully, flushing usage counters first."
    )

    @OptionGroup var options: ServerOptions

    @OptionGroup(title: "Leak intake") var leaks: LeakOptions

    @Option(name: .long, help: "PostgreSQL URL, postgres://user:password@host:5432/database (env KEYWARD_DATABASE_URL); several nodes may share one. Without it, the SQLite file of --db.")
    var databaseURL: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env KEYWARD_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        var resolved = try options.resolve()
        try leaks.resolve(into: &resolved)
        let configuration = resolved
        var logger = Logger(label: "keyward")
        let level = logLevel ?? ProcessInfo.processInfo.environment["KEYWARD_LOG_LEVEL"] ?? "info"
        guard let parsed = Logger.Level(rawValue: level) else { throw ValidationError("unknown log level \(level)") }
        logger.logLevel = parsed
        let url = databaseURL ?? ProcessInfo.processInfo.environment["KEYWARD_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let store: SQLStore
        if let url {
            store = try await SQLStore.openPostgres(url: url, logger: logger)
        } else {
            store = try await SQLStore.openSQLite(path: configuration.databasePath, logger: logger)
        }
        let database = url.map { (try? DatabaseURL($0).redacted) ?? "PostgreSQL" } ?? configuration.databasePath
        do {
            let node = try await KeywardNode(store: store, configuration: configuration, logger: logger)
            if let admin = try await node.keys.bootstrapAdmin() {
                print("""
                    keyward: new database \(database); bootstrap admin key (shown once, store it now):

                        \(admin.reveal())

                    export KEYWARD_TOKEN=<that key>   # for the keyward CLI
                    """)
            }
            let app = KeywardApplication.application(node) { port in
                print("keyward: listening on http://\(configuration.host):\(port) (database \(database))")
                fflush(nil)
            }
            try await app.runService()
            await node.flushUsage()
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a database and print its bootstrap admin key once.",
        discussion: "Fails if the database was already initialised: the bootstrap key is never shown twice."
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let configuration = try options.resolve()
        let store = try await SQLStore.openSQLite(path: configuration.databasePath)
        let admin: PlaintextKey?
        do {
            let lifecycle = try KeyLifecycle(format: KeyFormat(prefix: configuration.keyPrefix), environments: configuration.environments)
            admin = try await KeyService(store: store, lifecycle: lifecycle, clock: SystemClock()) { _ in }.bootstrapAdmin()
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
        guard let admin else {
            Output.error("\(configuration.databasePath) is already initialised; its bootstrap key was shown when it was created. Issue more admin keys with `keyward keys create --scope keyward:admin`.")
            throw ExitCode(2)
        }
        if output.json {
            try Output.json(["admin_key": admin.reveal()])
        } else {
            print("initialised \(configuration.databasePath)\nbootstrap admin key (shown once, store it now):\n\n    \(admin.reveal())\n")
        }
    }
}
