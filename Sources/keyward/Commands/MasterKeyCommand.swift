import ArgumentParser
import Foundation
import KeywardCore
import KeywardDeployment
import KeywardSettings
import Logging

/// `keyward master-key …`: the key that seals stored secrets.
struct MasterKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master-key",
        abstract: "Manage the master key that seals stored secrets (webhook signing secrets).",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored secret under a new master key.",
            discussion: """
                Opens the deployment's database (--db FILE or --database-url URL, or the KEYWARD_… settings) with its current \
                master key (--master-key-file, KEYWARD_MASTER_KEY_FILE, or <db>.key beside a SQLite database), creates \
                --new-key-file with a new random key (0600) unless it exists, and re-seals every stored secret under it in one \
                transaction. Without downtime: first give every node a key file listing the new key on a second line (nodes \
                open values sealed under any key of their file), run this, then make the new key the first line (and later \
                the only one) and restart the nodes one by one. Running it again finishes an interrupted rotation.
                """
        )

        @OptionGroup var database: DatabaseOption
        @Option(name: .long, help: "The current master key file (default: KEYWARD_MASTER_KEY_FILE, or <db>.key).")
        var masterKeyFile: String?
        @Option(name: .long, help: "The file of the new master key; created with a new random key when missing.")
        var newKeyFile: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (key, resealing) = try await GovernanceFailure.exitOnError {
                var resolved = try database.resolve()
                if let masterKeyFile {
                    var flags = ["master_key_file": masterKeyFile]
                    flags["db"] = database.db
                    flags["database_url"] = database.databaseURL
                    resolved = try ConfigurationLoader(flags: flags, configPath: nil, environment: ProcessInfo.processInfo.environment).load()
                }
                let logger = Logger.keyward(level: resolved.configuration.logLevel, quiet: true, label: "keyward.master-key")
                return try await Deployment.with(resolved, existing: true, logger: logger) { deployment in
                    try await deployment.rotateMasterKey(newKeyFile: newKeyFile)
                }
            }
            if output.json {
                try Output.json(Rotated(keyID: key.id, resealed: resealing.resealed, alreadyCurrent: resealing.alreadyCurrent))
            } else {
                print("re-sealed \(resealing.resealed) secret(s) under master key \(key.id) (\(resealing.alreadyCurrent) already were); "
                      + "give every node \(newKeyFile) as KEYWARD_MASTER_KEY_FILE")
            }
        }
    }

    struct Rotated: Encodable {
        let keyID: String
        let resealed: Int
        let alreadyCurrent: Int

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id", resealed, alreadyCurrent = "already_current"
        }
    }
}
