import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient
import KeywardConnectors
import KeywardCore
import KeywardDeployment
import KeywardServer
import Logging

/// `keyward connectors list|sync NAME`: the provider connectors of the configuration file
/// (`connectors:`), through a server or, with `--db`/`--database-url`, on the database itself.
struct ConnectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors",
        abstract: "List the configured provider connectors and sync one: read its provider's keys into the inventory.",
        discussion: """
            Connectors are declared in the configuration file (connectors: [{name, kind, credentials, …}], docs/governance.md).
            A sync writes the inventory exactly as importing the provider's exports would; a failed read changes nothing.
            Through a server (KEYWARD_ADDR, KEYWARD_TOKEN), or offline with --db/--database-url and the configuration \
            file (--config or KEYWARD_CONFIG), the connector's credential then read by this process.
            """,
        subcommands: [List.self, Sync.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connectors and how their last sync went.")

        @OptionGroup var database: DatabaseOption
        @Option(name: .long, help: "The configuration file (offline; default KEYWARD_CONFIG).") var config: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await GovernanceFailure.exitOnError {
                if database.isOffline {
                    return try await LocalConnectors.run(database, config: config) { service -> ConnectorListObject in
                        let states = try await service.list()
                        return ConnectorListObject(connectors: states.map { ConnectorObject($0) })
                    }
                }
                return try await Client.run { try await $0.connectors() }
            }
            if output.json { return try Output.json(list) }
            Output.table(["NAME", "KIND", "CREDENTIALS", "ACTIONS", "INTERVAL", "LAST SYNC", "OUTCOME", "REQUESTS"], list.connectors.map(Self.row))
        }

        static func row(_ connector: ConnectorObject) -> [String] {
            let actions = connector.actions.isEmpty ? "read-only" : connector.actions.joined(separator: ",")
            let interval = connector.syncInterval.map { "\($0)s" } ?? "-"
            let last: String = connector.lastSync?.finishedAt?.iso8601 ?? (connector.syncing ? "running" : "never")
            let requests = connector.lastSync.map { String($0.requests) } ?? "-"
            return [connector.name, connector.kind, connector.credentials, actions, interval, last, connector.lastSync?.outcome ?? "-", requests]
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync one connector now. Exit 0 when it succeeded, 1 when the provider read failed (inventory unchanged), 2 on error.")

        @Argument(help: "The connector's name.") var name: String
        @OptionGroup var database: DatabaseOption
        @Option(name: .long, help: "The configuration file (offline; default KEYWARD_CONFIG).") var config: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result = try await GovernanceFailure.exitOnError {
                if database.isOffline {
                    return try await LocalConnectors.run(database, config: config) { service in
                        ConnectorSyncObject(try await service.sync(name: name, by: .system("cli")))
                    }
                }
                return try await Client.run(timeoutSeconds: 3600) { try await $0.syncConnector(name: name) }
            }
            if output.json {
                try Output.json(result)
            } else if result.succeeded {
                print("synced \(result.connector) (\(result.kind)): created \(result.created), updated \(result.updated), "
                      + "disappeared \(result.disappeared), rejected \(result.rejected); \(result.requests) requests")
                for run in result.imports { ImportCommand.print(run) }
            } else {
                print("sync of \(result.connector) failed after \(result.requests) requests; the inventory was left as it was")
                for failure in result.failures.prefix(50) { print("  \(failure)") }
                if result.failures.count > 50 { print("  … and \(result.failures.count - 50) more") }
            }
            if !result.succeeded { throw ExitCode(1) }
        }
    }
}

/// The connector service on the database itself (offline commands and the drill).
enum LocalConnectors {
    static func run<T>(_ database: DatabaseOption, config: String?, _ body: (ConnectorService) async throws -> T) async throws -> T {
        let resolved = try database.resolve(config: config)
        let logger = Logger.keyward(level: resolved.configuration.logLevel, quiet: true, label: "keyward.connectors")
        return try await Deployment.with(resolved, existing: true, logger: logger) { deployment in
            let service = ConnectorService(declarations: resolved.configuration.connectors, governance: deployment.governance, logger: logger)
            do {
                let result = try await body(service)
                try await service.shutdown()
                return result
            } catch {
                try? await service.shutdown()
                throw error
            }
        }
    }
}

extension RemediationAction: ExpressibleByArgument {}
