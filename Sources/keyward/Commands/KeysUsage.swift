import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore

extension Keys {
    /// `keyward keys usage ID`: hourly verifications by answer and the key's callers.
    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a key's hourly verifications by answer and its callers (address, label or User-Agent, first and last seen).",
            discussion: "keyward keys usage key_… --hours 48\nUsage is flushed once a second; a verification shows up within that."
        )
        @Argument(help: "Key id (key_…).") var id: String
        @Option(name: .long, help: "Hours to show, ending now (1-840, default 24).") var hours: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let usage = try await Client.run { try await $0.usage(id: id, hours: hours) }
            if output.json { return try Output.json(usage) }
            UsageOutput.usage(usage)
        }
    }

    /// `keyward keys rotation-status ID`: who still uses the old key, and whether the grace can end.
    struct RotationStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotation-status",
            abstract: "During a rotation's grace period: which callers still use the old key, and when it is safe to end the grace early.",
            discussion: "Give the old or the new key's id. Exit code 0 when safe to end now, 1 when callers may still need the old key, 2 on error or when the key is not in a rotation."
        )
        @Argument(help: "Key id (key_…) of either key of the rotation.") var id: String
        @Option(name: .long, help: "How long the old key must be unused: seconds, or a number with s, m, h, d (default: the server's, 1h).") var quiet: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let quietSeconds = try quiet.map { try Duration.seconds(parsing: $0, option: "--quiet", allowZero: true) }
            let usage = try await Client.run { try await $0.usage(id: id, hours: 1, quietSeconds: quietSeconds) }
            guard let rotation = usage.rotation else {
                if output.json { try Output.json(usage) }
                Output.error("key \(id) is not in a rotation's grace period (status \(usage.status.rawValue))")
                throw ExitCode(2)
            }
            if output.json { try Output.json(rotation) } else { UsageOutput.rotation(rotation) }
            if !rotation.safeToEnd { throw ExitCode(1) }
        }
    }
}

/// Readable renderings of usage, rotation status and blast radius.
enum UsageOutput {
    static let codes = VerificationCode.allCases.map(\.rawValue)

    static func usage(_ usage: KeyUsageObject) {
        Output.fields([
            ("key", usage.keyID), ("status", usage.status.rawValue), ("period", "\(usage.from.iso8601) – \(usage.to.iso8601) (\(usage.hours) h)"),
            ("verifications", usage.totals.isEmpty ? "none" : codes.compactMap { code in usage.totals[code].map { "\(code) \($0)" } }.joined(separator: ", ")),
        ])
        if !usage.monitoring { Output.note("usage monitoring is off on this server") }
        if !usage.buckets.isEmpty {
            print("")
            let shown = codes.filter { code in usage.buckets.contains { $0.counts[code] != nil } }
            Output.table(["HOUR"] + shown + ["TOTAL"], usage.buckets.map { bucket in
                [bucket.hour.iso8601] + shown.map { String(bucket.counts[$0] ?? 0) } + [String(bucket.total)]
            })
        }
        print("")
        callers(usage.callers, empty: "no callers seen in this period")
        if usage.moreCallers > 0 { print("… and \(usage.moreCallers) more caller(s) (--json lists up to 200)") }
        if usage.callerOverflow > 0 { print("\(usage.callerOverflow) verification(s) came from callers beyond the per-key caller table") }
        if let rotation = usage.rotation {
            print("")
            Self.rotation(rotation)
        }
    }

    static func callers(_ callers: [CallerObject], empty: String) {
        guard !callers.isEmpty else { return print(empty) }
        Output.table(["CALLER", "ADDRESS", "NETWORK", "ENV", "FIRST SEEN", "LAST SEEN", "COUNT", "VALID"], callers.map { caller in
            [caller.name, caller.address ?? "-", caller.network ?? "-", caller.environment ?? "-", caller.firstSeen.iso8601, caller.lastSeen.iso8601,
             String(caller.count), String(caller.validCount)]
        })
    }

    static func rotation(_ rotation: RotationUsageObject) {
        Output.fields([
            ("rotation", "\(rotation.oldKeyID) → \(rotation.newKeyID)"), ("started", rotation.startedAt.iso8601),
            ("grace ends", rotation.graceEndsAt?.iso8601 ?? "-"), ("old key", rotation.oldKeyStatus.rawValue),
            ("old key last used", rotation.lastOldKeyUse?.iso8601 ?? "not since the rotation"),
            ("quiet period", "\(rotation.quietSeconds) s"), ("safe to end", rotation.safeToEnd ? "yes" : "no" + (rotation.safeAt.map { " (from \($0.iso8601))" } ?? "")),
        ])
        print("\nnot yet switched (callers of the old key since the rotation):")
        callers(rotation.notYetSwitched, empty: "  none")
        print("\nswitched (callers of the new key):")
        callers(rotation.switched, empty: "  none")
        print("\n\(rotation.advice)")
        print(rotation.safeToEnd ? "end the grace now with:\n\n    \(rotation.endCommand)\n" : "to end the grace anyway (callers above will get REVOKED):\n\n    \(rotation.endCommand)\n")
    }
}
