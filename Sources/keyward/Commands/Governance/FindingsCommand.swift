import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardStore

/// `keyward findings …`: what the policy, imports, offboarding and reviews found, kept current by
/// the server, or evaluated explicitly (`findings evaluate --db`) when there is none.
struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List, show and acknowledge governance findings; evaluate the policy now (through a server or offline).",
        subcommands: [List.self, Show.self, Acknowledge.self, Evaluate.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List findings, worst first (default: open and acknowledged).")

        @Option(name: .long, help: "Comma-separated states: open, acknowledged, resolved, suppressed (default open,acknowledged).")
        var state: String?
        @Flag(name: .long, help: "Every state, resolved and suppressed included.") var allStates = false
        @Option(name: .long, help: "Comma-separated severities: info, low, medium, high, critical.") var severity: String?
        @Option(name: .long, help: "At least this severity.") var minSeverity: FindingSeverity?
        @Option(name: .long, help: "Rule id.") var rule: String?
        @Option(name: .long, help: "Owner of the credential (any case).") var owner: String?
        @Option(name: .long, help: "FRAMEWORK:ITEM (OWASP-NHI-2025:NHI7) or a framework (NIST-CSF-2.0).") var framework: String?
        @Option(name: .long, help: "A credential's id or external id (AKIA…).") var subject: String?
        @Option(name: .long, help: "Findings per page (1-1000, default 100).") var limit: Int?
        @Option(name: .long) var cursor: String?
        @Flag(name: .long, help: "Follow cursors and print every matching finding.") var all = false
        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if allStates && state != nil { throw ValidationError("give --state or --all-states, not both") }
        }

        func run() async throws {
            let states = allStates ? nil : (state ?? "open,acknowledged")
            let list = try await GovernanceFailure.exitOnError { try await fetch(states: states) }
            if output.json {
                try Output.json(list)
            } else {
                FindingsCommand.table(list.findings)
                print(list.evaluatedAt.map { "policy findings last evaluated at \($0.iso8601)" }
                      ?? "the policy has never been evaluated here: run keyward findings evaluate\(database.isOffline ? " with the same --db or --database-url" : "")")
                if let next = list.nextCursor { Output.note("more findings: --cursor \(next) (or --all)") }
            }
        }

        private func fetch(states: String?) async throws -> FindingListObject {
            if database.isOffline {
                let filter = FindingFilter(
                    states: try Self.parse(states, as: FindingState.self, option: "--state"),
                    severities: try Self.parse(severity, as: FindingSeverity.self, option: "--severity"), minimumSeverity: minSeverity,
                    rule: rule, owner: owner, framework: framework, subjectID: subject, limit: limit ?? FindingFilter.defaultLimit)
                return try await LocalGovernance.run(database) { service in
                    let evaluatedAt = try await service.lastEvaluatedAt()
                    return try await pages { cursor in
                        var page = filter
                        page.cursor = cursor
                        let found = try await service.findings(page)
                        return FindingListObject(findings: found.findings, nextCursor: found.nextCursor, evaluatedAt: evaluatedAt)
                    }
                }
            }
            return try await Client.run { client in
                try await pages { cursor in
                    try await client.findings(state: states, severity: severity, minimumSeverity: minSeverity?.rawValue, rule: rule, owner: owner,
                                              framework: framework, subject: subject, limit: limit, cursor: cursor)
                }
            }
        }

        private func pages(_ fetch: (String?) async throws -> FindingListObject) async throws -> FindingListObject {
            try await Pages.collect(from: cursor, all: all, fetch, next: \.nextCursor) { result, page in
                result.findings += page.findings
                result.nextCursor = page.nextCursor
            }
        }

        static func parse<T: RawRepresentable & CaseIterable>(_ text: String?, as type: T.Type, option: String) throws -> [T] where T.RawValue == String {
            guard let text else { return [] }
            return try text.split(separator: ",").map { part in
                guard let value = T(rawValue: String(part)) else {
                    throw ValidationError("\(option) takes \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(part)\"")
                }
                return value
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a finding with its history.")
        @Argument(help: "Finding id (fnd_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let detail = try await Client.run { try await $0.finding(id: id) }
            if output.json { return try Output.json(detail) }
            let finding = detail.finding
            Output.fields([
                ("id", finding.id), ("rule", finding.rule), ("severity", finding.severity.rawValue), ("state", finding.state.rawValue),
                ("subject", "\(finding.subject.kind.rawValue) \(finding.subject.id)"), ("provider", finding.subject.provider.rawValue),
                ("external id", finding.subject.externalID ?? "-"), ("identity", finding.subject.identity ?? "-"),
                ("owner", finding.subject.owner ?? "-"), ("opened", finding.openedAt.iso8601), ("message", finding.message),
                ("remediation", finding.remediation), ("frameworks", finding.frameworks.map(\.description).joined(separator: " ")),
                ("exception", finding.exception ?? "-"),
            ])
            print("\nhistory:")
            Output.table(["AT", "FROM", "TO", "BY", "REASON"], detail.history.map { entry in
                [entry.at.iso8601, entry.from?.rawValue ?? "-", entry.to.rawValue, entry.actor, entry.reason]
            })
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an open finding: you own the follow-up; reports count it until resolved, the CI gate no longer fails on it."
        )
        @Argument(help: "Finding id (fnd_…).") var id: String
        @Option(name: .long, help: "What you will do about it.") var note: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let finding = try await Client.run { try await $0.acknowledge(findingID: id, note: note) }
            if output.json { try Output.json(finding) } else { print("\(finding.id) is now \(finding.state.rawValue)") }
        }
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate the policy now and store its findings: the server's, or offline the database's with --db or --database-url.",
            discussion: """
                A server evaluates by itself after every change and hourly; this asks it to now (POST /v1/findings/evaluate, \
                keyward:write). Offline there is no server to do it, so after imports or other changes with --db, run this before \
                reading findings; the findings and a findings.evaluated audit event are stored as the server would store them. \
                Reports and findings list never evaluate: they show the stored findings and when they were evaluated.
                """
        )
        @Option(name: .long, help: "With --db or --database-url: the policy to evaluate (default: the policy setting, else the built-in policy).")
        var policy: String?
        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if policy != nil && !database.isOffline { throw ValidationError("--policy applies to --db or --database-url; a server evaluates its own policy") }
        }

        func run() async throws {
            let summary = try await GovernanceFailure.exitOnError {
                if database.isOffline {
                    return try await LocalGovernance.run(database, policy: policy) { try await $0.evaluate(actor: "cli") }
                }
                return try await Client.run { try await $0.evaluate() }
            }
            if output.json { return try Output.json(summary) }
            print("evaluated \(summary.items) credential(s) against \(summary.policy): \(summary.findings) finding(s); "
                  + "opened \(summary.opened), reopened \(summary.reopened), resolved \(summary.resolved), suppressed \(summary.suppressed)")
        }
    }

    static func table(_ findings: [Finding]) {
        Output.table(["ID", "SEVERITY", "STATE", "RULE", "PROVIDER", "CREDENTIAL", "OWNER", "MESSAGE"], findings.map { finding in
            [finding.id, finding.severity.rawValue, finding.state.rawValue, finding.rule, finding.subject.provider.rawValue,
             finding.subject.externalID ?? finding.subject.identity ?? finding.subject.id, finding.subject.owner ?? "-", finding.message]
        })
    }
}
