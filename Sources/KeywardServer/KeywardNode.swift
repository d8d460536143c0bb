import KeywardAPI
import KeywardConnectors
import KeywardCore
import KeywardDeployment
import KeywardGovernance
import KeywardSettings
import KeywardStore
import Logging

/// One running keyward node: the store, the verify index kept in step with it, the key
/// service, and the authenticator. The HTTP layer and the background services share it.
public final class KeywardNode: Sendable {
    public let configuration: KeywardConfiguration
    public let store: SQLStore
    public let verifier: Verifier
    public let keys: KeyService
    public let authenticator: Authenticator
    /// Changes committed elsewhere (other nodes, other processes on the SQLite file), from the
    /// moment before this node first read its keys; followed by ``ChangeFeedFollower``.
    public let changeFeed: any KeyChangeFeed
    /// Inventory, imports, owners, policy findings, reviews and reports (issue 4).
    public let governance: GovernanceService
    /// The configured provider connectors (issue 12): sync, remediation, drills.
    public let connectors: ConnectorService
    public let clock: any WallClock
    public let logger: Logger
    /// Counters, histograms and levels served at `GET /metrics`.
    public let metrics: NodeMetrics
    /// Webhook queue depth and delivery counters, for metrics (KeywardServer/Webhooks).
    public let webhookStats = WebhookStats()
    /// Every use and verification of a key, counted in memory until the usage flusher writes it.
    public let usageRecorder: UsageRecorder
    /// Anomaly detection over flushed usage (KeywardServer/Monitoring).
    public let anomalies: AnomalyMonitor
    /// The work of `POST /v1/verify`, shared by its route and its event-loop fast path.
    let verifyEndpoint: VerifyEndpoint
    /// The TLS certificate and key when the node serves HTTPS (`tls_cert_file`, `tls_key_file`).
    public let tls: TLSCertificateFiles?

    /// Builds a node on an open store and loads every key into the verify index.
    public convenience init(store: SQLStore, configuration: KeywardConfiguration, clock: any WallClock = SystemClock(),
                            logger: Logger = Logger(label: "keyward")) async throws {
        try await self.init(store: store, resolved: ResolvedConfiguration(configuration: configuration), clock: clock, logger: logger)
    }

    /// Builds a node on an open store, with the services of ``Deployment``, and loads every key
    /// into the verify index. A setting that cannot be used is named with its origin.
    public init(store: SQLStore, resolved: ResolvedConfiguration, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "keyward")) async throws {
        let configuration = resolved.configuration
        let verifier = Verifier(format: try KeyFormat(prefix: configuration.keyPrefix), clock: clock)
        self.configuration = configuration
        self.store = store
        self.verifier = verifier
        self.clock = clock
        self.logger = logger
        let usageRecorder = UsageRecorder(limits: configuration.usageLimits)
        let metrics = NodeMetrics()
        self.usageRecorder = usageRecorder
        self.metrics = metrics
        self.anomalies = AnomalyMonitor(store: store, clock: clock, thresholds: configuration.anomalies, logger: logger)
        let deployment = try Deployment(store: store, configuration: configuration, origins: resolved, clock: clock, logger: logger) { [verifier, clock] records in
            let now = clock.now()
            for record in records { verifier.index.upsert(record, now: now) }
        }
        self.keys = deployment.keys
        self.governance = deployment.governance
        self.connectors = ConnectorService(declarations: configuration.connectors, governance: deployment.governance,
                                           logger: Logger(label: "keyward.connectors"))
        let authenticator = Authenticator(
            verifier: verifier, usage: usageRecorder, confirmation: IndexConfirmation(verifier: verifier, store: store),
            throttle: FailedAuthThrottle(threshold: configuration.failedAuthThreshold, windowSeconds: configuration.failedAuthWindowSeconds,
                                        maximumWaiting: configuration.failedAuthMaximumWaiting)
        )
        self.authenticator = authenticator
        self.verifyEndpoint = VerifyEndpoint(authenticator: authenticator, metrics: metrics)
        self.changeFeed = try store.changeFeed(since: clock.now(), clock: clock)
        tls = try Self.tlsFiles(resolved, logger: logger)
        try await reloadIndex()
    }

    /// The TLS files of the configuration: both or neither, readable and matching.
    static func tlsFiles(_ resolved: ResolvedConfiguration, logger: Logger) throws -> TLSCertificateFiles? {
        switch (resolved.configuration.tlsCertFile, resolved.configuration.tlsKeyFile) {
        case (nil, nil): return nil
        case (_?, nil): throw resolved.problem("tls_key_file", "must be set with tls_cert_file")
        case (nil, _?): throw resolved.problem("tls_cert_file", "must be set with tls_key_file")
        case let (certificate?, key?):
            do {
                return try TLSCertificateFiles(certificatePath: certificate, keyPath: key, logger: logger)
            } catch let error as TLSFileError {
                throw resolved.problem("tls_cert_file", error.description)
            }
        }
    }

    /// Reads every key from the store into the verify index.
    public func reloadIndex() async throws {
        let now = clock.now()
        var batch = KeyIndex.Batch()
        let index = verifier.index
        try await store.forEachKeyPage { page in index.add(page, to: &batch, now: now) }
        index.install(batch, replacing: true)
        logger.info("verify index loaded", metadata: ["keys": .stringConvertible(batch.count)])
    }

    /// The key object with usage not yet flushed folded in, so a key used a moment ago shows it.
    public func present(_ record: KeyRecord) -> KeyObject {
        let now = clock.now()
        let entry = verifier.index.lookup(record.hash)
        return KeyObject(record, now: now, pendingUses: entry?.unflushedUses ?? 0, pendingLastUsed: entry?.unflushedLastUsed)
    }
}
