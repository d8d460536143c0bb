import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore

/// `keyward drill tabletop KEY_ID`: the blast radius of revoking a real key, without revoking it.
struct TabletopDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabletop",
        abstract: "Print what revoking a key would break — scopes, environment, owner, callers of the last 30 days, rotation, open findings — and the commands to do it. Revokes nothing.",
        discussion: "keyward drill tabletop key_… [--days 30] [--json]"
    )

    @Argument(help: "Key id (key_…).") var id: String
    @Option(name: .long, help: "Days of callers to list (1-35, default 30).") var days: Int?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let radius = try await Client.run { try await $0.blastRadius(id: id, days: days) }
        if output.json { return try Output.json(radius) }
        let key = radius.key
        let owner = radius.owner
        let ownerState = owner.registered ? (owner.status?.rawValue ?? "-") + (owner.departedAt.map { " since \($0.iso8601)" } ?? "") : "not in the owner registry"
        print("TABLETOP — nothing is revoked by this command\n")
        Output.fields([
            ("key", "\(key.id) (\(key.name))"), ("status", key.status.rawValue), ("scopes", key.scopes.isEmpty ? "-" : key.scopes.joined(separator: " ")),
            ("environment", key.environment), ("owner", "\(owner.handle) (\(ownerState))"),
            ("owner's other live keys", String(owner.otherLiveKeys)), ("expires", key.expiresAt?.iso8601 ?? "never"),
            ("last used", key.lastUsedAt?.iso8601 ?? "never"),
            ("verifications, \(radius.days) d", "\(radius.verifications) (\(radius.validVerifications) valid)"),
        ])
        print("\ncallers in the last \(radius.days) days (each would start getting REVOKED):")
        UsageOutput.callers(radius.callers, empty: "  none seen — revoking should break nothing that verified through keyward")
        if radius.moreCallers > 0 { print("… and \(radius.moreCallers) more") }
        if let rotation = radius.rotation {
            print("\nrotation in progress:")
            UsageOutput.rotation(rotation)
        } else {
            print("\nrotation: none in progress")
        }
        print("\nopen findings:")
        if radius.openFindings.isEmpty {
            print("  none")
        } else {
            Output.table(["SEVERITY", "RULE", "STATE", "MESSAGE"], radius.openFindings.map { [$0.severity.rawValue, $0.rule, $0.state.rawValue, $0.message] })
        }
        print("\nto revoke this key:\n\n    \(radius.commands.revokeKey)\n")
        print("to offboard its owner (revokes all \(owner.otherLiveKeys + 1) live key(s) of \(owner.handle)):\n\n    \(radius.commands.offboardOwner)\n")
    }
}
