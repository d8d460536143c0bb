import KeywardCore

/// Settings of the webhook dispatcher. The defaults suit production; tests shorten the poll,
/// backoff and timeouts instead of sleeping through them.
public struct WebhookConfiguration: Sendable {
    /// Off: the dispatcher service does not run (subscriptions can still be managed).
    public var enabled = true
    /// How often the dispatcher looks for new audit events and due retries when idle.
    public var pollMilliseconds = 500
    /// Deliveries being sent at once, over all subscriptions; bounds memory and sockets.
    public var maxInFlight = 64
    /// A receiver must answer (head and body) within this time, or the attempt fails.
    public var requestTimeoutMilliseconds = 10_000
    public var connectTimeoutMilliseconds = 5_000
    public var backoff = WebhookBackoff()
    /// `key.expiring` is sent this many days before a key's `expires_at`.
    public var expiringNoticeDays = 7
    /// How often the scheduled events (key.expiring, review.overdue) are looked for.
    public var noticeIntervalMilliseconds = 60_000
    /// How long a dispatcher's lease lasts without renewal before another node takes over.
    public var leaseMilliseconds = 30_000
    /// Response bodies are read (and discarded) up to this size, then the connection is dropped.
    public var maxResponseBytes = 64 * 1024
    /// The addresses deliveries may connect to: not loopback, private, link-local, metadata and
    /// the like unless `webhook_allowed_networks` opts a range back in.
    public var targets = OutboundAddressPolicy()

    public init() {}
}
