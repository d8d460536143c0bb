import KeywardAPI
import KeywardCore

/// Everything a server needs to start. The CLI fills it from flags, `KEYWARD_…` environment
/// variables and an optional file, in that order of precedence.
public struct ServerConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 64 * 1024

    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// SQLite file of the embedded store.
    public var databasePath: String = "./keyward.db"
    public var keyPrefix: String = "kw"
    public var environments: [String] = ["live", "test"]
    public var maxBodyBytes: Int = ServerConfiguration.defaultMaxBodyBytes
    /// How often counted usage is written to the store.
    public var usageFlushIntervalMilliseconds: Int = 1000
    /// Failed authentications from one address, within `failedAuthWindowSeconds`, before
    /// answers to that address are delayed.
    public var failedAuthThreshold: Int = 5
    public var failedAuthWindowSeconds: Int = 60
    /// The governance policy file (YAML); nil runs the built-in default policy.
    public var policyPath: String?
    /// How often findings are re-evaluated when nothing changes (a key crossing its 90th day).
    public var evaluationIntervalSeconds: Int = 3600
    /// How long the inventory must be quiet after a change before findings are re-evaluated, so
    /// that a burst of changes costs one evaluation.
    public var evaluationDebounceMilliseconds: Int = 2000
    /// The body limit of `POST /v1/inventory/import/{kind}` (spooled to a temporary file).
    public var maxImportBytes: Int = ServerConfiguration.defaultMaxImportBytes
    public static let defaultMaxImportBytes = 1 << 30
    /// Leak intake: GitHub's public keys, the signed-report secrets, revoke or only report (issue 6).
    public var leaks = LeakConfiguration()
    /// Per-key usage (hourly counts, callers, guesses) and anomaly detection.
    public var usageLimits = UsageLimits()
    public var anomalies = AnomalyThresholds()

    /// The webhook dispatcher: poll, concurrency, timeouts, backoff, key.expiring notice days.
    public var webhooks = WebhookConfiguration()

    public init() {}
}
