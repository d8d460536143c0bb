import CoreMetrics
import KeywardCore
import Prometheus
import Synchronization

/// What one node tells Prometheus at `GET /metrics`.
///
/// The handles are swift-metrics types made by a ``PrometheusMetricsFactory`` over a registry
/// that belongs to this node, not through `MetricsSystem.bootstrap`: a process may run several
/// nodes (the tests do), and a global bootstrap can happen only once.
///
/// Cost on the verify path: one relaxed atomic increment for the code and one histogram
/// observation (a short lock) for the latency. Everything that is a level rather than an event
/// (index size, webhook queue depth) is read at scrape time, so it costs nothing between scrapes.
///
/// Never a key, a hash or an owner in a label: labels are codes and fixed words only, so the
/// series count is bounded and nothing secret reaches a metrics backend.
public final class NodeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Verifications answered, one counter per code, in `VerificationCode.allCases` order.
    private let verifications: [CoreMetrics.Counter]
    /// Verifications that could not be confirmed while the change feed was down (answered 503).
    let unconfirmed: CoreMetrics.Counter
    /// Verifications answered on the event loop by ``VerifyFastPath`` and through the router:
    /// a router share that grows tells an operator that verifications are being refused before
    /// the key (bad credentials, malformed bodies) or confirmed against the store (feed down).
    private let answeredOnEventLoop: CoreMetrics.Counter
    private let answeredByRouter: CoreMetrics.Counter
    /// Time from the collected verify body to its answer (parse, verify, confirm when fail-closed).
    let verifyDuration: CoreMetrics.Timer
    /// One usage flush (in-memory counts to the store).
    let usageFlushDuration: CoreMetrics.Timer
    let usageFlushFailures: CoreMetrics.Counter
    /// Time from a change's commit on some node to its arrival in this node's index.
    let changeFeedLag: CoreMetrics.Timer
    /// Times the change feed was lost (the node then fails closed until it has resynchronised).
    let changeFeedLost: CoreMetrics.Counter
    private let changeFeedUp: CoreMetrics.Gauge
    private let indexSize: CoreMetrics.Gauge
    private let webhookQueueDepth: CoreMetrics.Gauge
    private let webhookDispatching: CoreMetrics.Gauge
    private let webhookDelivered: CoreMetrics.Counter
    private let webhookFailed: CoreMetrics.Counter
    private let webhookRetried: CoreMetrics.Counter
    private let webhookTotals = Mutex((delivered: 0, failed: 0, retried: 0))

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Verification is answered in microseconds, flushes and feed delivery in milliseconds:
        // the default buckets (5 ms to 10 s) would put every verification in the first one.
        factory.durationHistogramBuckets["keyward_verify_duration_seconds"] = [
            .microseconds(1), .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50),
            .microseconds(100), .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .seconds(1),
        ]
        let slower: [Duration] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory.durationHistogramBuckets["keyward_usage_flush_duration_seconds"] = slower
        factory.durationHistogramBuckets["keyward_change_feed_lag_seconds"] = slower
        self.registry = registry
        verifications = VerificationCode.allCases.map {
            CoreMetrics.Counter(label: "keyward_verifications_total", dimensions: [("code", $0.rawValue)], factory: factory)
        }
        unconfirmed = CoreMetrics.Counter(label: "keyward_verifications_unconfirmed_total", factory: factory)
        answeredOnEventLoop = CoreMetrics.Counter(label: "keyward_verify_answers_total", dimensions: [("handler", "event_loop")], factory: factory)
        answeredByRouter = CoreMetrics.Counter(label: "keyward_verify_answers_total", dimensions: [("handler", "router")], factory: factory)
        verifyDuration = CoreMetrics.Timer(label: "keyward_verify_duration_seconds", factory: factory)
        usageFlushDuration = CoreMetrics.Timer(label: "keyward_usage_flush_duration_seconds", factory: factory)
        usageFlushFailures = CoreMetrics.Counter(label: "keyward_usage_flush_failures_total", factory: factory)
        changeFeedLag = CoreMetrics.Timer(label: "keyward_change_feed_lag_seconds", factory: factory)
        changeFeedLost = CoreMetrics.Counter(label: "keyward_change_feed_lost_total", factory: factory)
        changeFeedUp = CoreMetrics.Gauge(label: "keyward_change_feed_up", factory: factory)
        indexSize = CoreMetrics.Gauge(label: "keyward_index_keys", factory: factory)
        webhookQueueDepth = CoreMetrics.Gauge(label: "keyward_webhook_queue_depth", factory: factory)
        webhookDispatching = CoreMetrics.Gauge(label: "keyward_webhook_dispatching", factory: factory)
        webhookDelivered = CoreMetrics.Counter(label: "keyward_webhook_deliveries_total", dimensions: [("result", "delivered")], factory: factory)
        webhookFailed = CoreMetrics.Counter(label: "keyward_webhook_deliveries_total", dimensions: [("result", "failed")], factory: factory)
        webhookRetried = CoreMetrics.Counter(label: "keyward_webhook_deliveries_total", dimensions: [("result", "retried")], factory: factory)
        changeFeedUp.record(1)
    }

    /// Counts one answered verification and how long it took.
    @inline(__always)
    func verified(_ code: VerificationCode, nanoseconds: Int64, onEventLoop: Bool) {
        verifications[code.metricsIndex].increment()
        (onEventLoop ? answeredOnEventLoop : answeredByRouter).increment()
        verifyDuration.recordNanoseconds(nanoseconds)
    }

    func changeFeed(up: Bool) {
        changeFeedUp.record(up ? 1 : 0)
        if !up { changeFeedLost.increment() }
    }

    /// The exposition text (Prometheus text format 0.0.4), with levels read now.
    func scrape(indexKeys: Int, webhooks: WebhookStats) -> [UInt8] {
        indexSize.record(indexKeys)
        webhookQueueDepth.record(webhooks.queueDepth)
        webhookDispatching.record(webhooks.isDispatching ? 1 : 0)
        // The dispatcher keeps running totals; the counters advance by what is new since the
        // last scrape, so they stay monotonic counters in Prometheus' sense.
        let seen = (delivered: webhooks.delivered, failed: webhooks.failed, retried: webhooks.retried)
        let previous = webhookTotals.withLock { totals in
            defer { totals = seen }
            return totals
        }
        if seen.delivered > previous.delivered { webhookDelivered.increment(by: seen.delivered - previous.delivered) }
        if seen.failed > previous.failed { webhookFailed.increment(by: seen.failed - previous.failed) }
        if seen.retried > previous.retried { webhookRetried.increment(by: seen.retried - previous.retried) }
        return registry.emitToBuffer()
    }
}

extension VerificationCode {
    /// Position in `allCases`, as a switch rather than a search (`MetricsTests` checks the order).
    @inline(__always)
    var metricsIndex: Int {
        switch self {
        case .valid: 0
        case .malformed: 1
        case .notFound: 2
        case .expired: 3
        case .revoked: 4
        case .disabled: 5
        case .insufficientScope: 6
        case .rateLimited: 7
        case .ipNotAllowed: 8
        }
    }
}

extension Duration {
    /// Whole nanoseconds, for histograms that take integers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
