import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore

/// `keyward owners …`: the registry of teams and people who answer for credentials.
struct OwnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owners",
        abstract: "Register owners, mark them departed, and offboard them (server: KEYWARD_ADDR, KEYWARD_TOKEN).",
        subcommands: [Add.self, List.self, Show.self, Update.self, Depart.self, Offboard.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an owner (a team by default).")
        @Argument(help: "Handle that keys and records name as their owner (matched in any case).") var handle: String
        @Flag(name: .long, help: "A person rather than a team.") var person = false
        @Option(name: .long, help: "Display name.") var name: String?
        @Option(name: .long, help: "How to reach them (e-mail, channel).") var contact: String?
        @Option(name: .customLong("alias"), help: "An identity of this owner elsewhere: IAM user, GitHub login, e-mail, GCP principal (repeat for several).")
        var aliases: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let body = OwnerCreateBody(handle: handle, kind: person ? .person : .team, displayName: name, contact: contact,
                                       aliases: aliases.isEmpty ? nil : aliases)
            let entry = try await Client.run { try await $0.addOwner(body) }
            try OwnersCommand.show(entry, json: output.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List owners.")
        @Option(name: .long, help: "active or departed.") var status: OwnerEntry.Status?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.owners(status: status?.rawValue) }
            if output.json {
                try Output.json(list)
            } else {
                Output.table(["HANDLE", "KIND", "NAME", "CONTACT", "STATUS", "DEPARTED"], list.owners.map { owner in
                    [owner.handle, owner.kind.rawValue, owner.displayName ?? "-", owner.contact ?? "-", owner.status.rawValue,
                     owner.departedAt?.iso8601 ?? "-"]
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one owner.")
        @Argument var handle: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try OwnersCommand.show(try await Client.run { try await $0.owner(handle: handle) }, json: output.json)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an owner's kind, name, contact or status (\"\" clears a text).")
        @Argument var handle: String
        @Option(name: .long, help: "team or person.") var kind: String?
        @Option(name: .long) var name: String?
        @Option(name: .long) var contact: String?
        @Option(name: .long, help: "active (brings a departed owner back) or departed.") var status: OwnerEntry.Status?
        @Option(name: .customLong("alias"), help: "Replace the owner's identities elsewhere with these (repeat for several).")
        var aliases: [String] = []
        @Flag(name: .long, help: "Remove every alias.") var clearAliases = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if clearAliases && !aliases.isEmpty { throw ValidationError("give --alias or --clear-aliases, not both") }
        }

        func run() async throws {
            var body = OwnerUpdateBody(displayName: name, contact: contact, status: status,
                                       aliases: clearAliases ? [] : aliases.isEmpty ? nil : aliases)
            if let kind {
                guard let parsed = OwnerEntry.Kind(rawValue: kind) else { throw ValidationError("--kind must be team or person") }
                body.kind = parsed
            }
            let entry = try await Client.run { try await $0.updateOwner(handle: handle, body) }
            try OwnersCommand.show(entry, json: output.json)
        }
    }

    struct Depart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an owner departed without revoking anything.",
            discussion: "Their credentials become owner-departed findings at the next evaluation. `owners offboard` also revokes."
        )
        @Argument var handle: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try OwnersCommand.show(try await Client.run { try await $0.depart(handle: handle) }, json: output.json)
        }
    }

    struct Offboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offboard an owner: revoke their keyward keys, open findings for their external keys, mark them departed.",
            discussion: "External credentials cannot be revoked from here: each becomes an owner-offboarded finding for a person to act on. Audit-logged; safe to repeat."
        )
        @Argument var handle: String
        @Option(name: .long, help: "Why (recorded with each revocation).") var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result = try await Client.run { try await $0.offboard(handle: handle, reason: reason) }
            if output.json {
                try Output.json(result)
                return
            }
            print("offboarded \(result.owner.handle): now \(result.owner.status.rawValue)")
            print("revoked \(result.revokedKeys.count) keyward key(s)\(result.revokedKeys.isEmpty ? "" : ": " + result.revokedKeys.joined(separator: " "))")
            print("opened \(result.findings.count) finding(s) for external credentials to disable at their provider\(result.findings.isEmpty ? "" : ":")")
            for finding in result.findings {
                print("  \(finding.id)  \(finding.subject.provider.rawValue)  \(finding.subject.externalID ?? finding.subject.id)  \(finding.message)")
            }
            if !result.alreadyInactive.isEmpty { print("\(result.alreadyInactive.count) credential(s) already inactive") }
        }
    }

    static func show(_ owner: OwnerEntry, json: Bool) throws {
        if json { return try Output.json(owner) }
        Output.fields([
            ("handle", owner.handle), ("kind", owner.kind.rawValue), ("name", owner.displayName ?? "-"), ("contact", owner.contact ?? "-"),
            ("status", owner.status.rawValue), ("departed", owner.departedAt?.iso8601 ?? "-"),
            ("aliases", owner.aliases.isEmpty ? "-" : owner.aliases.joined(separator: ", ")),
        ])
    }
}
