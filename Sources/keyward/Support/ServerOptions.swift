import ArgumentParser
import Foundation
import KeywardServer
import Yams

/// Server settings from flags, then `KEYWARD_…` environment variables, then an optional YAML
/// file (`--config` or `KEYWARD_CONFIG`), then built-in defaults — in that order of precedence.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (env KEYWARD_DB; default ./keyward.db).")
    var db: String?

    @Option(name: .long, help: "Address to listen on (env KEYWARD_HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (env KEYWARD_PORT; default 8080; 0 picks a free port).")
    var port: Int?

    @Option(name: .long, help: "Key prefix of this deployment (env KEYWARD_PREFIX; default kw).")
    var prefix: String?

    @Option(name: .long, help: "Comma-separated environment tags keys may carry (env KEYWARD_ENVIRONMENTS; default live,test).")
    var environments: String?

    @Option(name: .long, help: "Governance policy file, YAML (env KEYWARD_POLICY; default: the built-in policy, see `keyward policy default`).")
    var policy: String?

    @Option(name: .long, help: "Seconds between scheduled policy evaluations (env KEYWARD_EVALUATION_INTERVAL; default 3600).")
    var evaluationInterval: Int?

    @Option(name: .long, help: "YAML file with any of: db, host, port, prefix, environments, max_body_bytes, usage_flush_ms, policy, evaluation_interval, evaluation_debounce_ms, max_import_bytes, anomalies (env KEYWARD_CONFIG).")
    var config: String?

    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        var file: [String: Any] = [:]
        if let path = config ?? environment["KEYWARD_CONFIG"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read config file \(path)")
            }
            do {
                guard let loaded = try Yams.load(yaml: text) as? [String: Any] else {
                    throw ValidationError("config file \(path) must be a YAML mapping")
                }
                file = loaded
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError("config file \(path) is not valid YAML: \(error)")
            }
            let known = Set<String>([
                "db", "host", "port", "prefix", "environments", "max_body_bytes", "usage_flush_ms", "policy", "evaluation_interval",
                "evaluation_debounce_ms", "max_import_bytes",
            ]).union(ServerOptions.webhookFileKeys).union(ServerOptions.usageFileKeys)
            if let unknown = file.keys.filter({ !known.contains($0) }).sorted().first {
                throw ValidationError("config file \(path): unknown setting '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        func pick(_ flag: String?, _ variable: String, _ key: String) -> String? {
            flag ?? environment[variable] ?? file[key].map { "\($0)" }
        }
        var configuration = ServerConfiguration()
        if let value = pick(db, "KEYWARD_DB", "db") { configuration.databasePath = value }
        if let value = pick(host, "KEYWARD_HOST", "host") { configuration.host = value }
        if let value = pick(port.map(String.init), "KEYWARD_PORT", "port") {
            guard let number = Int(value), (0...65535).contains(number) else { throw ValidationError("port must be 0-65535, got \(value)") }
            configuration.port = number
        }
        if let value = pick(prefix, "KEYWARD_PREFIX", "prefix") { configuration.keyPrefix = value }
        if let value = pick(environments, "KEYWARD_ENVIRONMENTS", "environments") {
            configuration.environments = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let value = file["max_body_bytes"] {
            guard let number = Int("\(value)"), number >= 1024 else { throw ValidationError("max_body_bytes must be an integer >= 1024") }
            configuration.maxBodyBytes = number
        }
        if let value = file["usage_flush_ms"] {
            guard let number = Int("\(value)"), (10...60_000).contains(number) else {
                throw ValidationError("usage_flush_ms must be between 10 and 60000")
            }
            configuration.usageFlushIntervalMilliseconds = number
        }
        try resolveGovernance(into: &configuration, file: file, pick: pick)
        try resolveWebhooks(into: &configuration, pick: pick)
        try resolveUsage(into: &configuration, file: file)
        return configuration
    }
}

/// `--json` for commands that print records.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}
