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

    public init() {}
}
