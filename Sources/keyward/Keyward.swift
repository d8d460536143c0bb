import ArgumentParser

/// The `keyward` command. Declared `@main` on an `AsyncParsableCommand` (and with no
/// `main.swift`): a `main.swift` calling `await Keyward.main()` makes async subcommands print
/// their help and exit 0 instead of running.
@main
struct Keyward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyward",
        abstract: "Issue, verify, inventory, rotate and revoke long-lived API keys.",
        discussion: """
            Server:  keyward serve [--db ./keyward.db | --database-url postgres://…] [--port 8080] [--config keyward.yaml]
            Settings: flags, KEYWARD_… variables or the --config file (docs/configuration.md); `keyward config show`.
            Client commands talk to a running server: KEYWARD_ADDR (default http://127.0.0.1:8080) \
            and KEYWARD_TOKEN (an admin key from `keyward init` or the first `keyward serve`).
            """,
        version: BuildInfo.version,
        subcommands: [
            Serve.self, Init.self, Admin.self, ConfigCommand.self, VersionCommand.self, Keys.self, VerifyKey.self, Audit.self, Bench.self, Drill.self, Scan.self,
            ImportCommand.self, InventoryCommand.self, OwnersCommand.self, PolicyCommand.self, FindingsCommand.self,
            ReviewsCommand.self, ReportCommand.self, WebhooksCommand.self, ConnectorsCommand.self, MasterKeyCommand.self,
        ]
    )

    /// argument-parser's entry point with two changes that make mistakes actionable: an unknown
    /// command is named with the nearest known one (`keyward key list` → did you mean keys?),
    /// and a bad value refused while a command runs shows that command's usage, not the root's.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = CommandTree.unknownCommand(in: arguments, root: Keyward.self) {
            CommandTree.fail(unknown.message, command: unknown.parent)
        }
        do {
            var command = try await asyncParseAsRoot(arguments)
            do {
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch let error as ValidationError {
                CommandTree.fail(error.message, command: type(of: command))
            }
        } catch {
            exit(withError: error)
        }
    }
}
