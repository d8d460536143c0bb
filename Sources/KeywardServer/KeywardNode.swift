import KeywardAPI
import KeywardCore
import KeywardGovernance
import KeywardStore
import Logging

/// One running keyward node: the store, the verify index kept in step with it, the key
/// service, and the authenticator. The HTTP layer and the background services share it.
public final class KeywardNode: Sendable {
    public let configuration: ServerConfiguration
    public let store: SQLStore
    public let verifier: Verifier
    public let keys: KeyService
    public let authenticator: Authenticator
    /// Changes committed elsewhere (other nodes, other processes on the SQLite file), from the
    /// moment before this node first read its keys; followed by ``ChangeFeedFollower``.
    public let changeFeed: any KeyChangeFeed
    /// Inventory, imports, owners, policy findings, reviews and reports (issue 4).
    public let governance: GovernanceService
    public let clock: any WallClock
    public let logger: Logger
    /// Counters, histograms and levels served at `GET /metrics`.
    public let metrics: NodeMetrics
    /// Webhook queue depth and delivery counters, for metrics (KeywardServer/Webhooks).
    public let webhookStats = WebhookStats()
    /// Per-key usage counted on the verify path.
    public let usageRecorder: UsageRecorder
    /// Anomaly detection over flushed usage (KeywardServer/Monitoring).
    public let anomalies: AnomalyMonitor
    /// The work of `POST /v1/verify`, shared by its route and its event-loop fast path.
    let verifyEndpoint: VerifyEndpoint

    /// Builds a node on an open store and loads every key into the verify index.
    public init(store: SQLStore, configuration: ServerConfiguration, clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "keyward")) async throws {
        let format = try KeyFormat(prefix: configuration.keyPrefix)
        let lifecycle = try KeyLifecycle(format: format, environments: configuration.environments)
        let verifier = Verifier(format: format, clock: clock)
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
        self.verifyEndpoint = VerifyEndpoint(verifier: verifier, recorder: usageRecorder, metrics: metrics)
        let inventoryChanges = InventoryChanges()
        let keys = KeyService(store: store, lifecycle: lifecycle, clock: clock) { [verifier, clock] records in
            let now = clock.now()
            for record in records { verifier.index.upsert(record, now: now) }
            inventoryChanges.signal()
        }
        self.keys = keys
        self.governance = GovernanceService(
            store: store, keys: keys, clock: clock,
            policy: try configuration.policyPath.map(LoadedPolicy.load(file:)) ?? .builtIn, changes: inventoryChanges, logger: logger
        )
        self.authenticator = Authenticator(
            verifier: verifier, confirmation: IndexConfirmation(verifier: verifier, store: store),
            throttle: FailedAuthThrottle(threshold: configuration.failedAuthThreshold, windowSeconds: configuration.failedAuthWindowSeconds)
        )
        self.changeFeed = try store.changeFeed(since: clock.now(), clock: clock)
        try await reloadIndex()
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

    /// Writes usage counted since the last flush. Failed writes are kept for the next flush.
    @discardableResult
    public func flushUsage() async -> Int {
        await flushMonitoredUsage()
        let deltas = verifier.ledger.drain()
        guard !deltas.isEmpty else { return 0 }
        do {
            try await store.recordUsage(deltas)
            return deltas.count
        } catch {
            verifier.ledger.restore(deltas)
            metrics.usageFlushFailures.increment()
            logger.error("usage flush failed; will retry", metadata: ["keys": .stringConvertible(deltas.count), "error": .string("\(error)")])
            return 0
        }
    }

    /// The key object with usage not yet flushed folded in, so a key used a moment ago shows it.
    public func present(_ record: KeyRecord) -> KeyObject {
        let now = clock.now()
        let entry = verifier.index.lookup(record.hash)
        return KeyObject(record, now: now, pendingUses: entry?.unflushedUses ?? 0, pendingLastUsed: entry?.unflushedLastUsed)
    }
}
