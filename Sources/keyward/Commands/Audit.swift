import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore
import KeywardDeployment
import KeywardStore

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and verify the hash-chained audit log.",
        subcommands: [VerifyChain.self, List.self]
    )

    struct VerifyChain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the audit chain of a database (the SQLite file of --db, default ./keyward.db, or --database-url).",
            discussion: "Exit code 0 when intact, 1 naming the first bad event when any event was altered, removed or reordered, 2 on error. Reads the file directly; a running server may keep serving."
        )

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let resolved = try ConfigurationFailure.exitOnError { try database.resolve() }
            let path = DatabaseLocation(resolved).description
            let store = try await ConfigurationFailure.exitOnError {
                try await Deployment.openStore(resolved, existing: true, logger: .keyward(level: resolved.configuration.logLevel, quiet: true))
            }
            let result: AuditVerification
            do {
                result = try await store.verifyAuditChain()
                try await store.close()
            } catch {
                try? await store.close()
                Output.error("cannot read the audit log of \(path): \(error)")
                throw ExitCode(2)
            }
            let object = AuditVerifyObject(
                intact: result.problem == nil, events: result.eventCount, headSequence: result.headSequence,
                headHash: result.headHash, firstBadEvent: result.problem?.sequence, problem: result.problem?.description
            )
            if output.json {
                try Output.json(object)
            } else if let problem = result.problem {
                print("audit chain BROKEN at event \(problem.sequence): \(problem)")
                print("\(result.eventCount) event(s) before it verified")
            } else {
                print("audit chain intact: \(result.eventCount) event(s), head \(result.headHash)")
            }
            if result.problem != nil { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit events from a server, newest first.")
        @Option(name: .long, help: "Events to show (1-1000, default 50).") var limit: Int = 50
        @Option(name: .long, help: "Only events about this subject (a key id, an owner).") var subject: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.auditEvents(limit: limit, subjectID: subject) }
            if output.json {
                try Output.json(list)
            } else {
                Output.table(
                    ["SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT", "DETAILS"],
                    list.events.map { event in
                        [String(event.sequence), event.occurredAt.iso8601, event.actor, event.action, event.subjectID,
                         JSONValue.object(event.details).canonicalJSON]
                    }
                )
            }
        }
    }
}
