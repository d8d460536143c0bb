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
            Server:  keyward serve [--db ./keyward.db] [--host 127.0.0.1] [--port 8080] [--policy policy.yaml]
            Client commands talk to a running server: KEYWARD_ADDR (default http://127.0.0.1:8080)
            and KEYWARD_TOKEN (an admin key from `keyward init` or the first `keyward serve`).
            """,
        subcommands: [
            Serve.self, Init.self, Keys.self, VerifyKey.self, Audit.self, Bench.self, Drill.self, Scan.self,
            ImportCommand.self, InventoryCommand.self, OwnersCommand.self, PolicyCommand.self, FindingsCommand.self,
            ReviewsCommand.self, ReportCommand.self, WebhooksCommand.self,
        ]
    )
}
