import ArgumentParser
import Foundation
import KeywardCore
import KeywardDeployment
import KeywardServer
import KeywardSettings
import KeywardStore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the keyward server on the embedded SQLite database (or PostgreSQL with --database-url).",
        discussion: """
            On a new database the first start prints a bootstrap admin key, once. SIGTERM or SIGINT stops it gracefully, \
            flushing usage counters first. Every setting is a flag, a KEYWARD_… variable or a key of the --config file \
            (docs/configuration.md); `keyward config show` prints what is in effect.
            """
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let resolved = try options.resolve()
        let configuration = resolved.configuration
        let logger = Logger.keyward(level: configuration.logLevel)
        let database = DatabaseLocation(resolved)
        // Before the database is opened (and on a new one a bootstrap key printed): a taken port.
        if let problem = PortCheck.problem(host: configuration.host, port: configuration.port) {
            Output.error(problem)
            throw ExitCode(2)
        }
        try ConfigurationFailure.exitOnError {
            do {
                _ = try configuration.leaks.checkGitHubKeys()
            } catch {
                throw resolved.problem("github_keys_file", "\(error)")
            }
        }
        let store = try await ConfigurationFailure.exitOnError { try await Deployment.openStore(resolved, logger: logger) }
        do {
            let node = try await ConfigurationFailure.exitOnError { try await KeywardNode(store: store, resolved: resolved, logger: logger) }
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
        abstract: "Create a database (SQLite, or PostgreSQL with --database-url) and print its bootstrap admin key once.",
        discussion: "Fails if the database was already initialised: the bootstrap key is never shown twice."
    )

    @OptionGroup var options: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let resolved = try options.resolve()
        let logger = Logger.keyward(level: resolved.configuration.logLevel, quiet: true)
        let database = DatabaseLocation(resolved)
        let admin = try await ConfigurationFailure.exitOnError {
            try await Deployment.with(resolved, logger: logger) { deployment in try await deployment.keys.bootstrapAdmin() }
        }
        guard let admin else {
            Output.error("\(database) is already initialised; its bootstrap key was shown when it was created. Issue more admin keys with `keyward keys create --scope keyward:admin`.")
            throw ExitCode(2)
        }
        if output.json {
            try Output.json(["admin_key": admin.reveal()])
        } else {
            print("initialised \(database)\nbootstrap admin key (shown once, store it now):\n\n    \(admin.reveal())\n")
        }
    }
}

extension Logger {
    /// The process's logger at the configured level. Commands whose output is their result log
    /// to standard error, and only warnings and worse, so that notices never mix with it.
    static func keyward(level: KeywardConfiguration.LogLevel, quiet: Bool = false, label: String = "keyward") -> Logger {
        let configured = Logger.Level(rawValue: level.rawValue) ?? .info
        guard quiet else {
            var logger = Logger(label: label)
            logger.logLevel = configured
            return logger
        }
        var logger = Logger(label: label) { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = max(configured, .warning)
        return logger
    }
}
