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
        @Option(name: .long, help: "Lifetime: seconds, or a number with s, m, h, d (90d).") var ttl: String?
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
        @Option(name: .long, help: "Keys per page (1-1000, default 50).") var limit: Int?
        @Option(name: .long, help: "Continue from a previous page's next_cursor.") var cursor: String?
        @Flag(name: .long, help: "Follow cursors and print every matching key.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var page = try await Client.run { try await $0.listKeys(owner: owner, status: status, environment: environment, limit: limit, cursor: cursor) }
            var keys = page.keys
            while all, let next = page.nextCursor {
                page = try await Client.run { try await $0.listKeys(owner: owner, status: status, environment: environment, limit: limit, cursor: next) }
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
        @Option(name: .long, help: "Grace period: seconds, or a number with s, m, h, d (default 1d).") var grace: String?
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
        @Option(name: .long) var reason: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (id == nil) != (owner == nil) else { throw ValidationError("give a key id or --owner, not both and not neither") }
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
    /// Parses `90`, `90s`, `15m`, `12h`, `90d` into seconds.
    static func seconds(parsing text: String, option: String, allowZero: Bool = false) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = text
        var unit: Int64 = 1
        if let last = text.last, let multiplier = units[last] {
            digits = String(text.dropLast())
            unit = multiplier
        }
        guard let value = Int64(digits), value >= 0, value <= Int64.max / 86_400, allowZero || value > 0 else {
            throw ValidationError("\(option) takes a \(allowZero ? "non-negative" : "positive") number of seconds or a number with s, m, h or d, got \"\(text)\"")
        }
        return value * unit
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
