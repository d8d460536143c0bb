import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient

struct VerifyKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Ask the server whether a key is valid.",
        discussion: "Exit code 0 when VALID, 1 when the key is refused (code printed), 2 on error. Pass - to read the key from stdin, which keeps it out of shell history."
    )

    @Argument(help: "The key, or - to read it from stdin.") var key: String
    @Option(name: .customLong("scope"), help: "A scope the key must carry (repeat for several).") var scopes: [String] = []
    @Option(name: .long, help: "Caller address to check against the key's allow-list.") var ip: String?
    @Option(name: .long, help: "Name the verifying service (usage monitoring lists callers by it).") var caller: String?
    @Option(name: .customLong("env"), help: "The environment the verifying service runs in (a key of another environment is an anomaly).") var environment: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var plaintext = key
        if key == "-" {
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no key on stdin") }
            plaintext = line.trimmingCharacters(in: .whitespaces)
        }
        let body = VerifyBody(key: plaintext, requiredScopes: scopes.isEmpty ? nil : scopes, ip: ip, caller: caller, environment: environment)
        let result = try await Client.run { try await $0.verify(body) }
        if output.json {
            try Output.json(result)
        } else {
            var pairs = [("valid", String(result.valid)), ("code", result.code.rawValue)]
            if let id = result.keyID { pairs.append(("key id", id)) }
            if let owner = result.owner { pairs.append(("owner", owner)) }
            if let scopes = result.scopes { pairs.append(("scopes", scopes.joined(separator: " "))) }
            if let environment = result.environment { pairs.append(("environment", environment)) }
            if result.valid { pairs.append(("expires", result.expiresAt?.iso8601 ?? "never")) }
            Output.fields(pairs)
        }
        if !result.valid { throw ExitCode(1) }
    }
}
