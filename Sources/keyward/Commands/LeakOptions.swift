import ArgumentParser
import Foundation
import KeywardCore
import KeywardServer

/// `keyward serve` settings of leak intake, from flags, then `KEYWARD_…` environment variables.
struct LeakOptions: ParsableArguments {
    @Option(name: .customLong("github-keys"), help: """
        GitHub secret-scanning public keys file, as served by https://api.github.com/meta/public_keys/secret_scanning \
        (env KEYWARD_GITHUB_KEYS_FILE); enables POST /v1/leaks/github. Re-read when it changes.
        """)
    var githubKeys: String?

    @Option(name: .customLong("leak-report-secret-file"), help: """
        File with the HMAC secret(s) of POST /v1/leaks/report, one per line, at least 32 characters \
        (env KEYWARD_LEAK_REPORT_SECRET_FILE, or the secret itself in KEYWARD_LEAK_REPORT_SECRET).
        """)
    var leakReportSecretFile: String?

    @Option(name: .customLong("leak-action"), help: "What a leak report does to a live key: revoke (default) or report (env KEYWARD_LEAK_ACTION).")
    var leakAction: String?

    @Option(name: .customLong("leak-max-in-flight"), help: "Leak reports worked on at once; more are answered 429 (env KEYWARD_LEAK_MAX_IN_FLIGHT; default 8).")
    var leakMaxInFlight: Int?

    func resolve(into configuration: inout ServerConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var leaks = configuration.leaks
        if let path = githubKeys ?? nonEmpty("KEYWARD_GITHUB_KEYS_FILE") {
            leaks.githubKeysPath = path
            do {
                _ = try leaks.checkGitHubKeys()
            } catch {
                throw ValidationError("--github-keys \(path): \(error)")
            }
        }
        if let path = leakReportSecretFile ?? nonEmpty("KEYWARD_LEAK_REPORT_SECRET_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read leak-report secret file \(path)") }
            do {
                leaks.reportSecrets = try LeakReportSecret.parse(lines: text)
            } catch {
                throw ValidationError("leak-report secret file \(path): \(error)")
            }
            guard !leaks.reportSecrets.isEmpty else { throw ValidationError("leak-report secret file \(path) holds no secret") }
        } else if let secret = nonEmpty("KEYWARD_LEAK_REPORT_SECRET") {
            do {
                leaks.reportSecrets = [try LeakReportSecret(secret)]
            } catch {
                throw ValidationError("KEYWARD_LEAK_REPORT_SECRET: \(error)")
            }
        }
        if let text = leakAction ?? nonEmpty("KEYWARD_LEAK_ACTION") {
            guard let action = LeakAction(rawValue: text) else { throw ValidationError("--leak-action must be revoke or report, got \(text)") }
            leaks.action = action
        }
        if let value = leakMaxInFlight ?? nonEmpty("KEYWARD_LEAK_MAX_IN_FLIGHT").flatMap(Int.init) {
            guard (1...1024).contains(value) else { throw ValidationError("--leak-max-in-flight must be 1-1024") }
            leaks.maxInFlight = value
        }
        configuration.leaks = leaks
    }
}
