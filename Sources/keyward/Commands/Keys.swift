import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore

/// `keyward keys …`: the key life-cycle against a running server.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, show, rotate, revoke, disable and enable keys on a server (KEYWARD_ADDR, KEYWARD_TOKEN).",
        subcommands: [Create.self, List.self, Show.self, Rotate.self, Revoke.self, Disable.self, Enable.self, Usage.self, RotationStatus.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a key; prints its plaintext once.")

        @Option(name: .long, help: "Human-readable name.") var name: String
        @Option(name: .long, help: "Owning team or person.") var owner: String
        @Option(name: .customLong("scope"), help: "A scope to grant (repeat for several).") var scopes: [String] = []
        @Option(name: .customLong("env"), help: "Environment tag (default: the server's first, usually live).") var environment: String?
        @Option(name: .long, help: "Lifetime: seconds, a number with s, m, h, d or w (90d, 2w), or ISO 8601 (P90D).") var ttl: String?
        @Option(name: .long, help: "Expiry as ISO 8601 (2027-01-31T00:00:00Z).") var expiresAt: String?
        @Option(name: .long, help: "Metadata key=value (repeat for several).") var meta: [String] = []
        @Option(name: .long, help: "Rate limit as COUNT/WINDOW, e.g. 100/60s or 1000/1h.") var rateLimit: String?
        @Option(name: .customLong("allow-cidr"), help: "Only accept the key from this network (repeat for several).") var allowCIDRs: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var request = IssueRequest(name: name, owner: owner, scopes: scopes, environment: environment)
            if let ttl { request.ttlSeconds = try Duration.seconds(parsing: ttl, option: "--ttl") }
            if let expiresAt {
                guard let at = Timestamp(iso8601: expiresAt) else { throw ValidationError("--expires-at must be ISO 8601, e.g. 2027-01-31T00:00:00Z") }
                request.expiresAt = at
            }
            if !meta.isEmpty {
                var values: [String: JSONValue] = [:]
                for pair in meta {
                    guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else { throw ValidationError("--meta takes key=value, got \"\(pair)\"") }
                    values[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
                }
                request.meta = values
            }
            if let rateLimit { request.rateLimit = try Self.parseRateLimit(rateLimit) }
            if !allowCIDRs.isEmpty {
                request.allowedCIDRs = try allowCIDRs.map { text in
                    guard let cidr = CIDR(text) else { throw ValidationError("--allow-cidr \"\(text)\" is not an IP address or CIDR block") }
                    return cidr
                }
            }
            let issued = try await Client.run { try await $0.createKey(request) }
            if output.json {
                try Output.json(issued)
            } else {
                Output.fields(Output.keyFields(issued.object))
                print("\nkey (shown once, store it now):\n\n    \(issued.key)\n")
            }
        }

        static func parseRateLimit(_ text: String) throws -> RateLimitPolicy {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[0]) else { throw ValidationError("--rate-limit takes COUNT/WINDOW, e.g. 100/60s") }
            let window = try Duration.seconds(parsing: String(parts[1]), option: "--rate-limit window")
            do {
                return try RateLimitPolicy(limit: count, windowSeconds: Int(window))
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys, newest first; never shows plaintext.")

        @Option(name: .long) var owner: String?
        @Option(name: .long, help: "active, rotating, expired, revoked or disabled.") var status: KeyStatus?
        @Option(name: .customLong("env")) var environment: String?
        @Option(name: .customLong("class"), help: "standard (default), drill, canary or all: drill and canary keys are listed only when asked for.")
        var keyClass: String?
        @Option(name: .long, help: "Keys per page (1-1000, default 50).") var limit: Int?
        @Option(name: .long, help: "Continue from a previous page's next_cursor.") var cursor: String?
        @Flag(name: .long, help: "Follow cursors and print every matching key.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var page = try await Client.run { try await $0.listKeys(owner: owner, status: status, environment: environment, limit: limit, cursor: cursor, keyClass: keyClass) }
            var keys = page.keys
            while all, let next = page.nextCursor {
                page = try await Client.run { try await $0.listKeys(owner: owner, status: status, environment: environment, limit: limit, cursor: next, keyClass: keyClass) }
                keys += page.keys
            }
            if output.json {
                try Output.json(KeyListObject(keys: keys, nextCursor: all ? nil : page.nextCursor))
            } else {
                Output.keyRows(keys)
                if !all, let next = page.nextCursor { Output.note("more keys: --cursor \(next) (or --all)") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one key.")
        @Argument(help: "Key id (key_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try await Client.run { try await $0.key(id: id) }
            if output.json { try Output.json(key) } else { Output.fields(Output.keyFields(key)) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a successor; the old key stays valid for the grace period, then expires.",
            discussion: "The successor copies owner, name, scopes, environment, metadata and restrictions. --grace 0 retires the old key at once."
        )
        @Argument(help: "Key id (key_…).") var id: String
        @Option(name: .long, help: "Grace period: seconds, a number with s, m, h, d or w, or ISO 8601 (PT12H); default 1d.") var grace: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let graceSeconds = try grace.map { try Duration.seconds(parsing: $0, option: "--grace", allowZero: true) }
            let issued = try await Client.run { try await $0.rotate(id: id, graceSeconds: graceSeconds) }
            if output.json {
                try Output.json(issued)
            } else {
                Output.fields(Output.keyFields(issued.object))
                if let old = issued.replaces {
                    print("\nreplaces \(old.id): \(old.status.rawValue), retires at \(old.expiresAt?.iso8601 ?? "-")")
                }
                print("\nnew key (shown once, store it now):\n\n    \(issued.key)\n")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one key, or every key of an owner (offboarding).",
            discussion: "keyward keys revoke key_… --reason \"leaked\"\nkeyward keys revoke --owner alice@example.com --reason \"left the company\""
        )
        @Argument(help: "Key id (key_…).") var id: String?
        @Option(name: .long, help: "Revoke every unrevoked key of this owner instead.") var owner: String?
        @Option(name: .long, help: "Why (required, as on the dashboard): it is kept with the key and in the audit log.") var reason: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (id == nil) != (owner == nil) else { throw ValidationError("give a key id or --owner, not both and not neither") }
            // A revocation cannot be undone; the dashboard asks why, and so does the CLI.
            guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason is required: say why the key is revoked, e.g. --reason \"leaked in a support ticket\"")
            }
        }

        func run() async throws {
            if let owner {
                let result = try await Client.run { try await $0.revokeAll(owner: owner, reason: reason) }
                if output.json { try Output.json(result) } else { print("revoked \(result.revoked) key(s) of \(result.owner)") }
            } else if let id {
                let key = try await Client.run { try await $0.revoke(id: id, reason: reason) }
                if output.json { try Output.json(key) } else { Output.fields(Output.keyFields(key)) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a key (reversible; it answers DISABLED).")
        @Argument(help: "Key id (key_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try await Client.run { try await $0.setDisabled(id: id, true) }
            if output.json { try Output.json(key) } else { Output.fields(Output.keyFields(key)) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled key.")
        @Argument(help: "Key id (key_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try await Client.run { try await $0.setDisabled(id: id, false) }
            if output.json { try Output.json(key) } else { Output.fields(Output.keyFields(key)) }
        }
    }
}

extension KeyStatus: ExpressibleByArgument {}

extension Duration {
    /// Parses a duration into seconds: a number of seconds (`3600`), a number with a unit (`90s`,
    /// `15m`, `12h`, `90d`, `2w`), or ISO 8601 (`P90D`, `P2W`, `PT12H`, `P1DT12H`) — the forms a
    /// policy file accepts, and more.
    static func seconds(parsing text: String, option: String, allowZero: Bool = false) throws -> Int64 {
        let refusal = ValidationError(
            "\(option) takes a \(allowZero ? "non-negative" : "positive") duration: seconds (3600), a number with s, m, h, d or w "
                + "(90s, 15m, 12h, 90d, 2w) or ISO 8601 (P90D, PT12H); got \"\(text.prefix(40))\"")
        guard let seconds = text.hasPrefix("P") ? iso8601Seconds(text) : unitSeconds(text), allowZero || seconds > 0 else { throw refusal }
        return seconds
    }

    private static let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
    /// A bound no real lifetime reaches (about 270 years), so products never overflow.
    private static let maximumSeconds: Int64 = 1 << 33

    /// `90`, `90s`, `15m`, `12h`, `90d`, `2w`.
    private static func unitSeconds(_ text: String) -> Int64? {
        var digits = Substring(text)
        var unit: Int64 = 1
        if let last = text.last, let multiplier = units[last] {
            digits = digits.dropLast()
            unit = multiplier
        }
        guard let value = wholeNumber(digits), value <= maximumSeconds / unit else { return nil }
        return value * unit
    }

    /// ISO 8601 durations of weeks, days, hours, minutes and seconds: `P2W`, `P90D`, `PT12H`,
    /// `P1DT12H30M`. Years and months are refused: their length in seconds is not fixed.
    private static func iso8601Seconds(_ text: String) -> Int64? {
        var rest = Substring(text.dropFirst())
        var total: Int64 = 0
        var inTime = false
        var sawComponent = false
        while !rest.isEmpty {
            if rest.first == "T" {
                guard !inTime else { return nil }
                inTime = true
                rest = rest.dropFirst()
                continue
            }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            guard let designator = rest.first, let value = wholeNumber(digits) else { return nil }
            rest = rest.dropFirst()
            let unit: Int64
            switch (designator, inTime) {
            case ("W", false): unit = 604_800
            case ("D", false): unit = 86_400
            case ("H", true): unit = 3600
            case ("M", true): unit = 60
            case ("S", true): unit = 1
            default: return nil
            }
            guard value <= maximumSeconds / unit else { return nil }
            total += value * unit
            guard total <= maximumSeconds else { return nil }
            sawComponent = true
        }
        return sawComponent ? total : nil
    }

    private static func wholeNumber(_ digits: Substring) -> Int64? {
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }
}

/// Runs a client call with `KEYWARD_ADDR`/`KEYWARD_TOKEN`, turning failures into one clear line
/// on stderr and exit code 2.
enum Client {
    static func run<T>(timeoutSeconds: Int64? = nil, _ body: (KeywardClient) async throws -> T) async throws -> T {
        do {
            var client = try KeywardClient.fromEnvironment()
            if let timeoutSeconds { client = try client.with(timeoutSeconds: timeoutSeconds) }
            return try await body(client)
        } catch let error as ClientError {
            Output.error(error.description)
            if case .api(401, _, _) = error, ProcessInfo.processInfo.environment["KEYWARD_TOKEN"] == nil {
                Output.note("hint: set KEYWARD_TOKEN to an admin key (printed by `keyward init` or the first `keyward serve`)")
            }
            throw ExitCode(2)
        }
    }
}
