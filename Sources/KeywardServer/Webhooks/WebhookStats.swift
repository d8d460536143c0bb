import Synchronization

/// The webhook figures a metrics scrape reads (`KeywardNode.webhookStats`): queue depth (pending
/// deliveries in the shared outbox, refreshed by this node's dispatcher about once a second) and
/// this node's counters since start. Reading is lock-free.
public final class WebhookStats: Sendable {
    private let pending = Atomic<Int>(0)
    private let deliveredCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    private let retriedCount = Atomic<Int>(0)
    private let leader = Atomic<Bool>(false)

    public init() {}

    /// Deliveries waiting in the outbox (all subscriptions, all nodes).
    public var queueDepth: Int { pending.load(ordering: .relaxed) }
    /// Deliveries this node sent successfully.
    public var delivered: Int { deliveredCount.load(ordering: .relaxed) }
    /// Deliveries this node gave up on (retry horizon passed).
    public var failed: Int { failedCount.load(ordering: .relaxed) }
    /// Failed attempts this node will retry.
    public var retried: Int { retriedCount.load(ordering: .relaxed) }
    /// Whether this node holds the dispatcher lease.
    public var isDispatching: Bool { leader.load(ordering: .relaxed) }

    func setQueueDepth(_ value: Int) { pending.store(value, ordering: .relaxed) }
    func setDispatching(_ value: Bool) { leader.store(value, ordering: .relaxed) }
    func add(delivered: Int, failed: Int, retried: Int) {
        if delivered > 0 { deliveredCount.add(delivered, ordering: .relaxed) }
        if failed > 0 { failedCount.add(failed, ordering: .relaxed) }
        if retried > 0 { retriedCount.add(retried, ordering: .relaxed) }
    }
}
