import Foundation
import KeywardCore

extension KeywardConfiguration {
    /// Every setting a user can give, in the order `keyward config show` and
    /// docs/configuration.md list them. The documentation is generated from this table (a test
    /// compares it), so a row is all it takes to add a setting: no flag, variable or file key is
    /// declared anywhere else.
    public static let settings: [Setting] = [
        // Database
        .text("db", \.databasePath, kind: .path, help: "The SQLite file of the embedded store; created on first use. When database_url is set too, the one given with the higher precedence wins (database_url on a tie)."),
        .custom("database_url", kind: .databaseURL, help: """
            A PostgreSQL database instead of the SQLite file; several stateless nodes may share one. \
            `sslmode=disable|prefer|require` as in libpq (disable is the default for localhost).
            """,
            assign: { configuration, text throws(SettingValueError) in configuration.databaseURL = try Setting.nonEmpty(text) },
            read: { configuration in configuration.databaseURL.map { .string(redactedDatabaseURL($0)) } ?? .null }),

        .optionalText("master_key_file", \.masterKeyFile, help: """
            The master key that seals stored secrets (webhook signing secrets) and derives dashboard CSRF tokens: 32 random bytes, \
            base64, one key per line (the first seals, every one opens, for rotation). Default: `<db>.key` beside the SQLite \
            database, created 0600 when missing. Required with database_url: the same file on every node.
            """),

        // Server
        .text("host", \.host, help: "The address the server listens on."),
        .integer("port", \.port, in: 0...65535, help: "The port the server listens on; 0 picks a free one."),
        .integer("max_body_bytes", \.maxBodyBytes, in: 1024...(16 << 20), help: "The largest request body of the API routes, in bytes (imports and leak reports have their own limits)."),
        .choice("log_level", \.logLevel, help: "The least severe level that is logged."),
        .integer("header_timeout_ms", \.limits.headerTimeoutMilliseconds, in: 100...600_000, help: "A request head must be complete this long after its first byte (on a new connection: after it was accepted); else the connection is closed."),
        .integer("idle_timeout_ms", \.limits.idleTimeoutMilliseconds, in: 100...3_600_000, help: "A kept-alive connection with no request in progress is closed after this long."),
        .integer("body_timeout_ms", \.limits.bodyTimeoutMilliseconds, in: 100...3_600_000, help: "A request body must be complete this long after its head (a larger body: at body_min_bytes_per_second on average); else the connection is closed."),
        .integer("body_min_bytes_per_second", \.limits.bodyMinimumBytesPerSecond, in: 1...(1 << 30), help: "The slowest average rate at which a body too large for body_timeout_ms may arrive."),
        .integer("max_connections", \.limits.maxConnections, in: 2...1_000_000, help: "Connections held at once (lowered to what the file-descriptor limit allows). At the limit a new connection closes the longest-idle kept-alive one, else the one longest waiting for an unfinished request head, else it is answered 503."),
        .integer("verify_buffer_bytes", \.limits.verifyBufferBytes, in: 0...(1 << 30), help: "Bytes of unauthenticated verify bodies the event-loop fast path buffers over all connections (16 KiB each at most); beyond that, verifications go through the router."),
        .custom("trusted_proxies", kind: .list, help: """
            Networks (CIDRs) of reverse proxies whose X-Forwarded-For is believed: for their requests the client address \
            (allowed_cidrs, the failed-auth throttle, audit and usage) is the right-most forwarded address outside these networks.
            """,
            assign: { configuration, text throws(SettingValueError) in
                var networks: [CIDR] = []
                for item in text.split(separator: ",").map({ String($0).trimmed }) where !item.isEmpty {
                    guard let network = CIDR(item) else { throw SettingValueError("must be a list of IP addresses or CIDR blocks, got \(item.quoted)") }
                    networks.append(network)
                }
                configuration.limits.trustedProxies = networks
            },
            read: { configuration in .array(configuration.limits.trustedProxies.map { .string($0.description) }) }),
        .optionalText("tls_cert_file", \.tlsCertFile, flag: "--tls-cert", help: """
            Serve HTTPS with this certificate chain (PEM; with tls_key_file). Both files are re-read when either changes \
            (checked at each new connection), so a renewed certificate needs no restart.
            """),
        .optionalText("tls_key_file", \.tlsKeyFile, flag: "--tls-key", help: "The private key (PEM) of tls_cert_file."),

        // Keys
        .text("prefix", \.keyPrefix, help: "The prefix of every key this deployment issues (`kw` in `kw_live_…`): 1-16 lowercase letters or digits."),
        .list("environments", \.environments, help: "The environment tags keys may carry; the first is the default of new keys."),

        // Governance
        .optionalText("policy", \.policyPath, help: "The governance policy file (YAML); without it, the built-in policy (`keyward policy default`)."),
        .integer("evaluation_interval", \.evaluationIntervalSeconds, in: 10...(7 * 86_400), help: "Seconds between scheduled policy evaluations when nothing changes."),
        .integer("evaluation_debounce_ms", \.evaluationDebounceMilliseconds, in: 10...600_000, help: "How long the inventory must be quiet after a change before findings are re-evaluated."),
        .integer("max_import_bytes", \.maxImportBytes, in: (1 << 20)...(1 << 40), help: "The body limit of inventory imports over HTTP, which are spooled to a temporary file."),
        .integer("max_concurrent_imports", \.limits.maxConcurrentImports, in: 1...64, help: "Inventory uploads received at once over HTTP; more are answered 503 with Retry-After."),
        .integer("import_spool_bytes", \.limits.importSpoolBytes, in: (1 << 20)...(1 << 42), help: "Temporary disk all inventory uploads being received may use together; an upload that would pass it is answered 503."),

        // Usage monitoring and anomalies
        .integer("usage_flush_ms", \.usageFlushIntervalMilliseconds, in: 10...60_000, help: "How often counted usage is written to the database."),
        .integer("anomalies.learning_period_seconds", \.anomalies.learningPeriodSeconds, in: 0...(3650 * 86_400), help: "How long a key's callers are learnt before a new caller network or a spike is an anomaly."),
        .number("anomalies.spike_factor", \.anomalies.spikeFactor, in: 1...1_000_000, help: "An hour with more than this many times the key's mean hourly use is a spike."),
        .integer("anomalies.spike_minimum_per_hour", \.anomalies.spikeMinimumPerHour, in: 1...Int64(Int32.max), help: "A spike needs at least this many verifications in the hour."),
        .integer("anomalies.baseline_hours", \.anomalies.baselineHours, in: 1...(24 * 90), help: "Hours of use the mean of a spike is taken over."),
        .integer("anomalies.guessing_per_hour", \.anomalies.guessingPerHour, in: 1...Int64(Int32.max), help: "Unknown or malformed keys from one address (IPv6: one /64) in an hour that count as key guessing."),
        .integer("anomalies.check_interval_seconds", \.anomalies.checkIntervalSeconds, in: 1...86_400, help: "How often anomaly detection looks at what was flushed since its last run."),
        .integer("anomalies.rotation_quiet_seconds", \.anomalies.rotationQuietSeconds, in: 0...(90 * 86_400), help: "A rotated-out key unused for this long may have its grace ended early."),
        .integer("anomalies.retention_days", \.anomalies.retentionDays, in: 1...3650, help: "Hourly counts, callers and guess counts older than this are deleted."),

        // Webhooks
        .boolean("webhooks", \.webhooks.enabled, help: "Deliver webhooks; off stops the dispatcher (subscriptions can still be managed)."),
        .integer("webhook_expiring_days", \.webhooks.expiringNoticeDays, in: 1...365, help: "`key.expiring` is sent this many days before a key expires."),
        .integer("webhook_retry_hours", in: Int64(2)...720, help: "How long a failing delivery is retried before it is given up.",
                 get: { $0.webhooks.backoff.horizonMilliseconds / 3_600_000 }, set: { $0.webhooks.backoff.horizonMilliseconds = $1 * 3_600_000 }),
        .integer("webhook_timeout_ms", in: 100...60_000, help: "How long a receiver has to answer one delivery (connecting included).",
                 get: { $0.webhooks.requestTimeoutMilliseconds }, set: { configuration, milliseconds in
                     configuration.webhooks.requestTimeoutMilliseconds = milliseconds
                     configuration.webhooks.connectTimeoutMilliseconds = min(configuration.webhooks.connectTimeoutMilliseconds, milliseconds)
                 }),
        .integer("webhook_concurrency", \.webhooks.maxInFlight, in: 1...1024, help: "Deliveries sent at once, over all subscriptions."),
        .custom("webhook_allowed_networks", kind: .list, help: """
            Networks (CIDRs, comma-separated) webhook deliveries may connect to although they are loopback, private, link-local, \
            carrier-grade NAT or otherwise not the public internet, which are refused by default (SSRF); e.g. 10.20.0.0/16.
            """,
            assign: { configuration, text throws(SettingValueError) in
                var networks: [CIDR] = []
                for item in text.split(separator: ",").map({ String($0).trimmed }) where !item.isEmpty {
                    guard let network = CIDR(item) else { throw SettingValueError("must be CIDRs such as 10.0.0.0/8 or fd00::/8, got \(item.quoted)") }
                    networks.append(network)
                }
                configuration.webhooks.targets.allowedNetworks = networks
            },
            read: { configuration in .array(configuration.webhooks.targets.allowedNetworks.map { .string($0.description) }) }),

        // Leak intake
        .optionalText("github_keys_file", \.leaks.githubKeysPath, flag: "--github-keys", help: """
            GitHub's secret-scanning public keys, as served by https://api.github.com/meta/public_keys/secret_scanning; \
            enables POST /v1/leaks/github. Re-read when the file changes.
            """),
        .custom("leak_report_secret", kind: .text, isSecret: true, help: """
            The HMAC secret of POST /v1/leaks/report, at least 32 characters. Prefer leak_report_secret_file, which wins \
            when both are set: a flag is visible to other users of the machine.
            """,
            assign: { configuration, text throws(SettingValueError) in
                do {
                    configuration.leaks.reportSecrets = [try LeakReportSecret(text)]
                } catch {
                    throw SettingValueError("\(error)")
                }
            },
            read: { configuration in configuration.leaks.reportSecretFile == nil && !configuration.leaks.reportSecrets.isEmpty ? .string("set") : .null }),
        .custom("leak_report_secret_file", kind: .path, help: """
            A file with the HMAC secrets of POST /v1/leaks/report, one per line (several let a secret be rotated).
            """,
            assign: { configuration, text throws(SettingValueError) in
                let path = try Setting.nonEmpty(text)
                guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw SettingValueError("cannot read \(path)")
                }
                do {
                    configuration.leaks.reportSecrets = try LeakReportSecret.parse(lines: contents)
                } catch {
                    throw SettingValueError("\(path): \(error)")
                }
                guard !configuration.leaks.reportSecrets.isEmpty else { throw SettingValueError("\(path) holds no secret") }
                configuration.leaks.reportSecretFile = path
            },
            read: { configuration in configuration.leaks.reportSecretFile.map(JSONValue.string) ?? .null }),
        .choice("leak_action", \.leaks.action, help: "What a leak report does to a live key: revoke it, or only report (finding and `key.leaked` event)."),
        .integer("leak_max_in_flight", \.leaks.maxInFlight, in: 1...1024, help: "Leak reports worked on at once per node; more are answered 429 with Retry-After."),

        // Live provider connectors (issue 12)
        ConnectorSettings.row,
    ]

    /// The setting of that name.
    public static func setting(named name: String) -> Setting? {
        settings.first { $0.name == name }
    }

    /// `KEYWARD_…` variables that are not settings of a deployment but known all the same: the
    /// client commands' server and credential, and the configuration file itself.
    public static let otherVariables: [String: String] = [
        "KEYWARD_ADDR": "the server client commands talk to",
        "KEYWARD_TOKEN": "the credential client commands present",
        "KEYWARD_CONFIG": "the configuration file",
    ]

    /// Prefixes of variables kept for the project's own tooling (test suites, CI, benchmark
    /// scripts), which a deployment never reads.
    public static let toolingVariablePrefixes = ["KEYWARD_TEST_", "KEYWARD_CI_", "KEYWARD_BENCH_"]
}

/// `postgres://user:***@host/db`: the URL as a person may see it.
func redactedDatabaseURL(_ text: String) -> String {
    guard var components = URLComponents(string: text), components.host != nil else { return "<unparseable URL>" }
    if components.password != nil { components.password = "***" }
    return components.string ?? "<unparseable URL>"
}
