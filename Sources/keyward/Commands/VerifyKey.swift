import ArgumentParser
import Foundation
import KeywardAPI
import KeywardClient

struct VerifyKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Ask the server whether a key is valid.",
        discussion: """
            Exit code 0 when VALID, 1 when the key is refused (code printed), 2 on error. Without the key (or with -) it is read from \
            standard input: at a terminal keyward prompts for it without echo, otherwise it reads one line (keyward verify - < key.txt), \
            which keeps the key out of shell history and the process list.
            """
    )

    @Argument(help: "The key; omit it (or give -) to be prompted, or to read it from standard input.") var key: String?
    @Option(name: .customLong("scope"), help: "A scope the key must carry (repeat for several).") var scopes: [String] = []
    @Option(name: .long, help: "Caller address to check against the key's allow-list.") var ip: String?
    @Option(name: .long, help: "Name the verifying service (usage monitoring lists callers by it).") var caller: String?
    @Option(name: .customLong("env"), help: "The environment the verifying service runs in (a key of another environment is an anomaly).") var environment: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var plaintext = key ?? "-"
        if plaintext == "-" {
            guard let line = isatty(STDIN_FILENO) == 1 ? SecretPrompt.read("keyward key: ") : readLine(strippingNewline: true) else {
                throw ValidationError("no key on standard input")
            }
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
