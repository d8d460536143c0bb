import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardServer
import KeywardPolicy

/// `keyward policy …`: policy as code.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a policy against the inventory (CI gate), print the default policy, show or reload the server's.",
        subcommands: [Check.self, Default.self, Show.self, Reload.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a policy over the inventory without storing anything; gate on every open finding.",
            discussion: """
                Evaluates --policy FILE (default: the server's policy; with --db, the policy setting, else the built-in policy) over the server's \
                inventory, or over --db PATH offline, and counts it together with the open findings of every other source: leaked keys, \
                imports, offboarding, reviews, usage anomalies. Exit code 0 when no open finding (not acknowledged, not suppressed by an \
                exception) is at or above --fail-on, 1 when some are, 2 on error — a policy file with an error is named by file, line and \
                field, and nothing is evaluated.
                """
        )

        @Option(name: .long, help: "Policy file (YAML).") var policy: String?
        @Option(name: .long, help: "Fail (exit 1) on findings at or above: info, low, medium, high, critical (default info: any).")
        var failOn: FindingSeverity = .info
        @Option(name: .long, help: "Findings to print, worst first (default 1000; the counts cover all).") var limit: Int = 1000
        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result = try await GovernanceFailure.exitOnError { try await evaluate() }
            if output.json {
                try Output.json(result)
            } else {
                Self.print(result)
            }
            if result.failing > 0 { throw ExitCode(1) }
        }

        private func evaluate() async throws -> PolicyCheckObject {
            if database.isOffline {
                return try await LocalGovernance.run(database, policy: policy) { service in
                    let rules = service.policy
                    return PolicyCheckObject(try await service.gate(), policy: rules.policy, file: rules.file, failOn: failOn, limit: limit)
                }
            }
            let loaded = try policy.map(LoadedPolicy.load(file:))
            let body = PolicyCheckBody(policy: loaded?.yaml, file: loaded?.file, failOn: failOn, limit: limit)
            return try await Client.run { try await $0.checkPolicy(body) }
        }

        static func print(_ result: PolicyCheckObject) {
            let severities = FindingSeverity.allCases.reversed().map { "\($0.rawValue) \(result.bySeverity[$0.rawValue] ?? 0)" }
            Swift.print("policy \(result.policy) (\(result.file)), evaluated \(result.evaluatedAt.iso8601)")
            Swift.print("findings: \(result.totalFindings - result.suppressed) (\(severities.joined(separator: ", "))); "
                        + "\(result.suppressed) suppressed by exceptions; \(result.acknowledged) acknowledged (these do not fail)")
            let bySource = result.sources.compactMap { source in result.failingBySource[source].flatMap { $0 > 0 ? "\(source) \($0)" : nil } }
            Swift.print("failing at or above \(result.failOn.rawValue): \(result.failing)"
                        + (bySource.isEmpty ? "" : " (\(bySource.joined(separator: ", ")))")
                        + "; sources counted: \(result.sources.joined(separator: ", "))")
            if !result.findings.isEmpty {
                Swift.print("")
                FindingsCommand.table(result.findings)
            }
            if result.findingsOmitted > 0 { Swift.print("… and \(result.findingsOmitted) more (raise --limit)") }
        }
    }

    struct Default: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the built-in default policy (CIS AWS Foundations 2.11/2.12, CIS Controls 5.5) as a starting point."
        )

        func run() async throws {
            print(DefaultPolicy.yaml)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the policy the server enforces.")
        @Flag(name: .long, help: "Print the policy's YAML text only.") var yaml = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let policy = try await Client.run { try await $0.policy() }
            try PolicyCommand.show(policy, yaml: yaml, json: output.json)
        }
    }

    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the server re-read its policy file (needs keyward:admin).",
            discussion: "A file with an error changes nothing: the error names file, line and field, and the old policy stays in force."
        )
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let policy = try await Client.run { try await $0.reloadPolicy() }
            try PolicyCommand.show(policy, yaml: false, json: output.json)
        }
    }

    static func show(_ policy: PolicyObject, yaml: Bool, json: Bool) throws {
        if json { return try Output.json(policy) }
        if yaml { return print(policy.yaml) }
        Output.fields([("name", policy.name), ("file", policy.file + (policy.isDefault ? " (built-in)" : "")), ("sha256", policy.sha256)])
        print("")
        Output.table(["RULE", "CHECK", "SEVERITY", "FRAMEWORKS"], policy.rules.map { rule in
            [rule.id, rule.check, rule.severity.rawValue, rule.frameworks.map(\.description).joined(separator: " ")]
        })
        if !policy.exceptions.isEmpty {
            print("")
            Output.table(["EXCEPTION", "RULE", "KEYS", "APPROVER", "EXPIRES", "ACTIVE"], policy.exceptions.map { exception in
                [exception.id, exception.rule, exception.keys.joined(separator: ","), exception.approver, exception.expires.iso8601,
                 exception.active ? "yes" : "no"]
            })
        }
    }
}
