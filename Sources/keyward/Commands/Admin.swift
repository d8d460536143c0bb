import ArgumentParser
import Foundation
import KeywardCore
import KeywardDeployment
import KeywardStore
import Logging

/// `keyward admin …`: keyward's own credentials, on the database itself.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer keyward's own credentials on the database itself (no server, no token).",
        subcommands: [Recover.self]
    )

    /// The way back in when no admin key is left: the API refuses to revoke or disable the last
    /// one, but a key can still be lost, expire or be revoked as leaked. Whoever can open the
    /// database (the SQLite file, or PostgreSQL with the deployment's credentials) already holds
    /// everything keyward protects there, so that access is the proof asked for.
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new admin key on the database directly and print it once (for when every admin key is lost).",
            discussion: """
                Opens the deployment's database (--db FILE, default ./keyward.db, or --database-url URL, or the KEYWARD_… \
                settings) through the same composition root as `serve`, issues a key with keyward:admin and writes an \
                admin.recovered audit event naming the local user. A running server picks the key up at once.
                """
        )

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let admin = try await GovernanceFailure.exitOnError {
                let resolved = try database.resolve()
                let logger = Logger.keyward(level: resolved.configuration.logLevel, quiet: true, label: "keyward.admin")
                return try await Deployment.with(resolved, existing: true, logger: logger) { deployment in
                    try await deployment.keys.recoverAdmin(localUser: ProcessInfo.processInfo.userName)
                }
            }
            if output.json {
                try Output.json(["admin_key": admin.reveal()])
            } else {
                print("new admin key (shown once, store it now):\n\n    \(admin.reveal())\n")
            }
        }
    }
}
