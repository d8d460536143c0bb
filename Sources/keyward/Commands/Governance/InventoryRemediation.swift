import ArgumentParser
import Foundation
import KeywardAPI
import KeywardConnectors
import KeywardCore
import KeywardServer

/// What `keyward inventory deactivate` and `delete` take.
struct RemediationArguments: ParsableArguments {
    @Argument(help: "The inventory record's id (inv_…).") var recordID: String
    @Option(name: .long, help: "Why; recorded in the audit event and shown in webhooks.") var reason: String
    @Flag(name: .long, help: "Say what would be done; ask the provider nothing.") var dryRun = false
    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The configuration file (offline; default KEYWARD_CONFIG).") var config: String?
    @OptionGroup var output: OutputOptions
}

/// `keyward inventory deactivate|delete RECORD_ID --reason R [--dry-run]`: stops an external key
/// at its provider through the record's connector, when the connector's `actions` allow it.
struct InventoryRemediation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deactivate",
                                                    abstract: "Deactivate an external key at its provider (AWS: Inactive) through its connector.")

    @OptionGroup var arguments: RemediationArguments

    func run() async throws { try await Self.run(.deactivate, arguments) }

    static func run(_ action: RemediationAction, _ arguments: RemediationArguments) async throws {
        let (recordID, reason, dryRun) = (arguments.recordID, arguments.reason, arguments.dryRun)
        let result = try await GovernanceFailure.exitOnError {
            if arguments.database.isOffline {
                return try await LocalConnectors.run(arguments.database, config: arguments.config) { service in
                    do {
                        return RemediationObject(try await service.remediate(recordID: recordID, action: action, reason: reason, via: "cli", dryRun: dryRun,
                                                                             by: .system("cli")))
                    } catch let error as ConnectorError {
                        throw GovernanceCommandError(error.description)
                    }
                }
            }
            return try await Client.run(timeoutSeconds: 120) { try await $0.remediate(recordID: recordID, action: action, reason: reason, dryRun: dryRun) }
        }
        if arguments.output.json {
            try Output.json(result)
        } else {
            switch result.outcome {
            case "dry_run": print("would \(result.action) \(result.recordID) through connector \(result.connector) (dry run: nothing sent)")
            case "refused": print("\(result.connector) refused to \(result.action) \(result.recordID): \(result.providerAnswer ?? "")")
            default: print("\(result.action): \(result.recordID) is \(result.status) (\(result.outcome); \(result.providerAnswer ?? "no request needed"))")
            }
        }
        if result.outcome == "refused" { throw ExitCode(1) }
    }
}

struct InventoryDeletion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete",
                                                    abstract: "Delete an external key at its provider through its connector (needs `delete` in its actions).")

    @OptionGroup var arguments: RemediationArguments

    func run() async throws { try await InventoryRemediation.run(.delete, arguments) }
}

/// `keyward drill deactivate --connector NAME`: the deactivation drill, run by this process on
/// the configured database with the connector's own credential.
struct DeactivateDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate",
        abstract: "Measure create-canary → deactivate → provider says inactive, through a connector (exit 1 when the SLO is missed).",
        discussion: """
            keyward drill deactivate --connector aws-prod --rounds 50

            aws-iam: the canary is an access key of the IAM user keyward-drill-canary (create it first; docs/governance.md).
            Runs against the deployment's database (--db/--database-url or the configuration); the result is stored \
            (drill.completed) and canaries are deleted afterwards.
            """
    )

    @Option(name: .long, help: "The connector's name.") var connector: String
    @Option(name: .long, help: "Rounds.") var rounds: Int = 10
    @Option(name: .customLong("slo-ms"), help: "Each round must see the key inactive within this many milliseconds.") var sloMilliseconds: Double = 60_000
    @OptionGroup var database: DatabaseOption
    @Option(name: .long, help: "The configuration file (default KEYWARD_CONFIG).") var config: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let result = try await GovernanceFailure.exitOnError {
            try await LocalConnectors.run(database, config: config) { service in
                do {
                    return try await service.drill(name: connector, rounds: rounds, sloMilliseconds: sloMilliseconds, by: .system("cli"))
                } catch let error as ConnectorError {
                    throw GovernanceCommandError(error.description)
                }
            }
        }
        if output.json {
            try Output.json(result)
        } else {
            let overall = result.overall
            let figures = String(format: "p50 %.1f ms, p99 %.1f ms, max %.1f ms", overall.p50Milliseconds, overall.p99Milliseconds, overall.maxMilliseconds)
            print("\(connector): \(result.rounds) rounds, \(figures), \(overall.timeouts) timeouts — \(result.passed ? "passed" : "SLO missed")")
        }
        if !result.passed { throw ExitCode(1) }
    }
}
