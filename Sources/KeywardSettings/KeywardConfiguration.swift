import KeywardCore

/// Everything a keyward deployment is configured with: where its database is, how its server
/// listens, its key format, governance schedule, usage monitoring, webhooks and leak intake.
///
/// A configuration is a plain value. The CLI builds it from flags, `KEYWARD_…` environment
/// variables and an optional YAML file through ``ConfigurationLoader``, which reads every setting
/// of ``KeywardConfiguration/settings`` (the one table that names each setting's flag, variable,
/// file key, range, default and help). Tests and embedders set properties directly:
///
/// ```swift
/// var configuration = KeywardConfiguration()
/// configuration.port = 0                       // any free port
/// configuration.webhooks.pollMilliseconds = 50 // not a user setting: a knob for tests
/// ```
///
/// Properties that no setting of the table reaches (poll intervals, leases, limits of internal
/// tables) are tuning knobs with production defaults; tests shorten them instead of sleeping.
public struct KeywardConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 64 * 1024
    public static let defaultMaxImportBytes = 1 << 30

    // MARK: Database

    /// The SQLite file of the embedded store (setting `db`). Ignored when ``databaseURL`` is set.
    public var databasePath: String = "./keyward.db"
    /// A PostgreSQL URL (setting `database_url`): several stateless nodes may share one database.
    /// nil runs on the SQLite file of ``databasePath``.
    public var databaseURL: String?
    /// The file of the master key that seals stored secrets (setting `master_key_file`): base64
    /// keys, one per line, the first sealing and all opening. nil: `<db>.key` beside the SQLite
    /// database, created 0600 when missing; a PostgreSQL deployment must name one (the same file
    /// on every node).
    public var masterKeyFile: String?
    /// The server's TLS certificate chain and private key (PEM files, settings `tls_cert_file`
    /// and `tls_key_file`): both or neither; nil serves plain HTTP (behind a TLS proxy).
    public var tlsCertFile: String?
    public var tlsKeyFile: String?

    // MARK: Server

    /// The address to listen on (setting `host`).
    public var host: String = "127.0.0.1"
    /// The port to listen on; 0 picks a free one (setting `port`).
    public var port: Int = 8080
    /// The largest request body of the API routes, in bytes (setting `max_body_bytes`). Imports
    /// and leak reports have limits of their own.
    public var maxBodyBytes: Int = KeywardConfiguration.defaultMaxBodyBytes
    /// The least severe level that is logged (setting `log_level`).
    public var logLevel: LogLevel = .info
    /// Failed authentications from one address, within ``failedAuthWindowSeconds``, before
    /// answers to that address are delayed.
    public var failedAuthThreshold: Int = 5
    public var failedAuthWindowSeconds: Int = 60
    /// Failed attempts of one address that may wait for their delayed answers at once; further
    /// requests from it are refused 429 until one is answered.
    public var failedAuthMaximumWaiting: Int = 8
    /// Deadlines, the connection limit, buffers, upload caps and trusted proxies (settings
    /// `*_timeout_ms`, `max_connections`, `verify_buffer_bytes`, `trusted_proxies`, …).
    public var limits = ConnectionLimits()

    // MARK: Keys

    /// The prefix of every key this deployment issues, `kw` in `kw_live_…` (setting `prefix`).
    public var keyPrefix: String = "kw"
    /// The environment tags keys may carry; the first is the default of new keys (setting
    /// `environments`).
    public var environments: [String] = ["live", "test"]

    // MARK: Governance

    /// The governance policy file (YAML); nil runs the built-in default policy (setting `policy`).
    public var policyPath: String?
    /// How often findings are re-evaluated when nothing changes, so that a key crossing its 90th
    /// day is noticed (setting `evaluation_interval`).
    public var evaluationIntervalSeconds: Int = 3600
    /// How long the inventory must be quiet after a change before findings are re-evaluated, so
    /// that a burst of changes costs one evaluation (setting `evaluation_debounce_ms`).
    public var evaluationDebounceMilliseconds: Int = 2000
    /// The body limit of `POST /v1/inventory/import/{kind}`, which is spooled to a temporary file
    /// (setting `max_import_bytes`).
    public var maxImportBytes: Int = KeywardConfiguration.defaultMaxImportBytes

    // MARK: Usage

    /// How often counted usage is written to the store (setting `usage_flush_ms`).
    public var usageFlushIntervalMilliseconds: Int = 1000
    /// Bounds of the in-memory usage tables between two flushes.
    public var usageLimits = UsageLimits()
    /// Anomaly detection over flushed usage (settings `anomalies.*`).
    public var anomalies = AnomalyThresholds()

    // MARK: Webhooks and leak intake

    /// The webhook dispatcher (settings `webhooks`, `webhook_*`).
    public var webhooks = WebhookConfiguration()
    /// Leak intake: GitHub's public keys, the signed-report secrets, revoke or only report
    /// (settings `github_keys_file`, `leak_*`).
    public var leaks = LeakConfiguration()

    // MARK: Connectors

    /// Live provider connectors (setting `connectors`, a list in the configuration file): the
    /// accounts keyward syncs external keys from and remediates them at. Only where each
    /// connector's credential is (`env`, `file:PATH`) is configured, never the credential.
    public var connectors: [ConnectorDeclaration] = []

    public init() {}
}

extension KeywardConfiguration {
    /// The levels of `log_level`, named as swift-log names them.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}
