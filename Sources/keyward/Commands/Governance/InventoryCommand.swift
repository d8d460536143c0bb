import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardServer
import KeywardStore

/// `keyward inventory …`: every long-lived credential, keyward's and other systems', in one list.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List the inventory: keyward keys and imported external credentials, and past imports; deactivate external keys.",
        subcommands: [List.self, Imports.self, InventoryRemediation.self, InventoryDeletion.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List credentials (keyward keys first, then imported records).")

        @Option(name: .long, help: "keyward, aws, gcp, github, azure or other.") var provider: InventoryProvider?
        @Option(name: .long, help: "Owner (any case).") var owner: String?
        @Option(name: .customLong("env"), help: "Environment.") var environment: String?
        @Option(name: .long, help: "active, rotating, disabled, expired, revoked or disappeared.") var status: InventoryStatus?
        @Option(name: .long, help: "Entries per page (1-1000, default 50).") var limit: Int?
        @Option(name: .long, help: "Continue from a previous page's next_cursor.") var cursor: String?
        @Flag(name: .long, help: "Follow cursors and print every matching credential.") var all = false
        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await GovernanceFailure.exitOnError { try await fetch() }
            if output.json {
                try Output.json(list)
            } else {
                Output.table(
                    ["ID", "PROVIDER", "KIND", "EXTERNAL ID", "IDENTITY", "OWNER", "ENV", "STATUS", "CREATED", "LAST USED"],
                    list.items.map { item in
                        [item.id, item.provider.rawValue, item.kind.rawValue, item.externalID ?? "-", item.identity ?? "-", item.owner ?? "-",
                         item.environments.isEmpty ? "-" : item.environments.joined(separator: ","), item.status.rawValue,
                         item.createdAt.map { String($0.iso8601.prefix(10)) } ?? "-", item.lastUsedAt.map { String($0.iso8601.prefix(10)) } ?? "never"]
                    }
                )
                if let next = list.nextCursor { Output.note("more credentials: --cursor \(next) (or --all)") }
            }
        }

        private func fetch() async throws -> InventoryListObject {
            let filter = InventoryFilter(provider: provider, owner: owner, environment: environment, status: status,
                                         limit: limit ?? InventoryFilter.defaultLimit, cursor: cursor)
            if database.isOffline {
                return try await LocalGovernance.run(database) { service in
                    try await pages { cursor in
                        var page = filter
                        page.cursor = cursor
                        return InventoryListObject(try await service.inventory(page), now: service.clock.now())
                    }
                }
            }
            return try await Client.run { client in
                try await pages { cursor in
                    try await client.inventory(provider: provider?.rawValue, owner: owner, environment: environment, status: status?.rawValue,
                                               limit: limit, cursor: cursor)
                }
            }
        }

        private func pages(_ fetch: (String?) async throws -> InventoryListObject) async throws -> InventoryListObject {
            try await Pages.collect(from: cursor, all: all, fetch, next: \.nextCursor) { result, page in
                result.items += page.items
                result.nextCursor = page.nextCursor
            }
        }
    }

    struct Imports: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List past imports, newest first, with their counts.")

        @Option(name: .long, help: "Imports to show (1-1000, default 20).") var limit: Int = 20
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.importRuns(limit: limit) }
            if output.json {
                try Output.json(list)
            } else {
                Output.table(
                    ["ID", "FINISHED", "KIND", "FILE", "CREATED", "UPDATED", "UNCHANGED", "DISAPPEARED", "REJECTED"],
                    list.imports.map { run in
                        [run.id, run.finishedAt?.iso8601 ?? "-", run.kind, run.file, String(run.created), String(run.updated),
                         String(run.unchanged), String(run.disappeared), String(run.rejected)]
                    }
                )
            }
        }
    }
}
