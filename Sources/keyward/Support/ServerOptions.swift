import ArgumentParser
import Foundation
import KeywardSettings

/// A flag for every setting of ``KeywardConfiguration/settings``, for the commands that run or
/// open a deployment (`serve`, `init`, `config show`).
///
/// Each option is a string handed to the settings table, which parses it exactly as it parses
/// the same setting's variable or file key, so a bad value reads the same wherever it came from.
/// The options are matched to the table by name (`anomaliesSpikeFactor` is
/// `--anomalies-spike-factor`); a test checks that every row has its flag and every flag its row.
struct ServerOptions: ParsableArguments {
    @Option(help: .setting("db")) var db: String?
    @Option(help: .setting("database_url")) var databaseURL: String?
    @Option(help: .setting("master_key_file")) var masterKeyFile: String?
    @Option(help: .setting("host")) var host: String?
    @Option(help: .setting("port")) var port: String?
    @Option(help: .setting("max_body_bytes")) var maxBodyBytes: String?
    @Option(help: .setting("log_level")) var logLevel: String?
    @Option(help: .setting("header_timeout_ms")) var headerTimeoutMs: String?
    @Option(help: .setting("idle_timeout_ms")) var idleTimeoutMs: String?
    @Option(help: .setting("body_timeout_ms")) var bodyTimeoutMs: String?
    @Option(help: .setting("body_min_bytes_per_second")) var bodyMinBytesPerSecond: String?
    @Option(help: .setting("max_connections")) var maxConnections: String?
    @Option(help: .setting("verify_buffer_bytes")) var verifyBufferBytes: String?
    @Option(help: .setting("trusted_proxies")) var trustedProxies: String?
    @Option(help: .setting("tls_cert_file")) var tlsCert: String?
    @Option(help: .setting("tls_key_file")) var tlsKey: String?
    @Option(help: .setting("prefix")) var prefix: String?
    @Option(help: .setting("environments")) var environments: String?
    @Option(help: .setting("policy")) var policy: String?
    @Option(help: .setting("evaluation_interval")) var evaluationInterval: String?
    @Option(help: .setting("evaluation_debounce_ms")) var evaluationDebounceMs: String?
    @Option(help: .setting("max_import_bytes")) var maxImportBytes: String?
    @Option(help: .setting("max_concurrent_imports")) var maxConcurrentImports: String?
    @Option(help: .setting("import_spool_bytes")) var importSpoolBytes: String?
    @Option(help: .setting("usage_flush_ms")) var usageFlushMs: String?
    @Option(help: .setting("anomalies.learning_period_seconds")) var anomaliesLearningPeriodSeconds: String?
    @Option(help: .setting("anomalies.spike_factor")) var anomaliesSpikeFactor: String?
    @Option(help: .setting("anomalies.spike_minimum_per_hour")) var anomaliesSpikeMinimumPerHour: String?
    @Option(help: .setting("anomalies.baseline_hours")) var anomaliesBaselineHours: String?
    @Option(help: .setting("anomalies.guessing_per_hour")) var anomaliesGuessingPerHour: String?
    @Option(help: .setting("anomalies.check_interval_seconds")) var anomaliesCheckIntervalSeconds: String?
    @Option(help: .setting("anomalies.rotation_quiet_seconds")) var anomaliesRotationQuietSeconds: String?
    @Option(help: .setting("anomalies.retention_days")) var anomaliesRetentionDays: String?
    @Option(help: .setting("webhooks")) var webhooks: String?
    @Option(help: .setting("webhook_expiring_days")) var webhookExpiringDays: String?
    @Option(help: .setting("webhook_retry_hours")) var webhookRetryHours: String?
    @Option(help: .setting("webhook_timeout_ms")) var webhookTimeoutMs: String?
    @Option(help: .setting("webhook_concurrency")) var webhookConcurrency: String?
    @Option(help: .setting("webhook_allowed_networks")) var webhookAllowedNetworks: String?
    @Option(help: .setting("github_keys_file")) var githubKeys: String?
    @Option(help: .setting("leak_report_secret")) var leakReportSecret: String?
    @Option(help: .setting("leak_report_secret_file")) var leakReportSecretFile: String?
    @Option(help: .setting("leak_action")) var leakAction: String?
    @Option(help: .setting("leak_max_in_flight")) var leakMaxInFlight: String?
    @Option(help: .setting("connectors")) var connectors: String?

    @Option(help: "YAML configuration file (env KEYWARD_CONFIG); docs/configuration.md lists its keys.")
    var config: String?

    /// The flags given on the command line, by setting name.
    var givenFlags: [String: String] {
        var given: [String: String] = [:]
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let option = child.value as? Option<String?>, let value = option.wrappedValue,
                  let setting = Self.setting(forProperty: label)
            else { continue }
            given[setting.name] = value
        }
        return given
    }

    /// The row of a property (`_anomaliesSpikeFactor` → `anomalies.spike_factor`), matched on
    /// letters alone, as argument-parser derives `--anomalies-spike-factor` from it.
    static func setting(forProperty label: String) -> Setting? {
        let key = letters(label)
        return KeywardConfiguration.settings.first { letters($0.flag) == key }
    }

    static func letters(_ text: String) -> String {
        String(text.lowercased().filter(\.isLetter))
    }

    /// The configuration of flags, `KEYWARD_…` variables and the file, or exit 2 with every
    /// problem, each naming the setting and where its value came from.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ResolvedConfiguration {
        try ConfigurationFailure.exitOnError {
            try ConfigurationLoader(flags: givenFlags, configPath: config, environment: environment).load()
        }
    }
}

extension ArgumentHelp {
    /// The help of a setting: its row's text, variable and default.
    static func setting(_ name: String) -> ArgumentHelp {
        guard let setting = KeywardConfiguration.setting(named: name) else { return ArgumentHelp("(unknown setting \(name))") }
        let value = setting.value(in: KeywardConfiguration())
        let shown = value == .null ? "" : "; default \(ConfigurationReference.render(value))"
        return ArgumentHelp("\(setting.help) (env \(setting.variable)\(shown))", valueName: setting.kind.valueName)
    }
}

extension Setting.Kind {
    var valueName: String {
        switch self {
        case .text: "text"
        case .path: "path"
        case .databaseURL: "url"
        case .list: "list"
        case .boolean: "on|off"
        case .choice(let values): values.joined(separator: "|")
        case .integer, .number: "n"
        case .structured: "json"
        }
    }
}

/// Configuration problems as lines on standard error and exit code 2, like every other
/// command's refusals.
enum ConfigurationFailure {
    static func exitOnError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConfigurationError {
            for problem in error.problems { Output.error(problem.description) }
            throw ExitCode(2)
        }
    }

    static func exitOnError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ConfigurationError {
            for problem in error.problems { Output.error(problem.description) }
            throw ExitCode(2)
        }
    }
}

/// `--json` for commands that print records.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}
