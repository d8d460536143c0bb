/// One event on its way to one subscription: a row of the durable outbox.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for its first or next attempt (or for an earlier event about the same subject).
        case pending
        case delivered
        /// Given up: every attempt failed until the retry horizon passed.
        case failed
    }

    /// One try: the receiver's status code, or the transport error (timeout, refused).
    public struct Attempt: Sendable, Equatable, Codable {
        public var attempt: Int
        public var at: Timestamp
        public var status: Int?
        public var error: String?
        public var durationMilliseconds: Int64

        public init(attempt: Int, at: Timestamp, status: Int?, error: String?, durationMilliseconds: Int64) {
            self.attempt = attempt
            self.at = at
            self.status = status
            self.error = error
            self.durationMilliseconds = durationMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case attempt, at, status, error
            case durationMilliseconds = "duration_ms"
        }
    }

    /// Also the `webhook-id` header: the same on every attempt, so a receiver can drop repeats.
    public var id: String
    public var subscriptionID: String
    public var eventID: String
    public var eventType: String
    /// The ordering key: deliveries about one subject reach a subscription in event order.
    public var subject: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Timestamp?
    public var giveUpAt: Timestamp?
    public var lastAttemptAt: Timestamp?
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Timestamp
    public var deliveredAt: Timestamp?
    public var payload: JSONValue
    public var history: [Attempt]

    public init(id: String, subscriptionID: String, eventID: String, eventType: String, subject: String, state: State, attempts: Int,
                nextAttemptAt: Timestamp?, giveUpAt: Timestamp?, lastAttemptAt: Timestamp?, lastStatus: Int?, lastError: String?,
                createdAt: Timestamp, deliveredAt: Timestamp?, payload: JSONValue, history: [Attempt]) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.eventID = eventID
        self.eventType = eventType
        self.subject = subject
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.giveUpAt = giveUpAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.payload = payload
        self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, state, attempts, payload, history
        case subscriptionID = "subscription_id"
        case eventID = "event_id"
        case eventType = "event_type"
        case nextAttemptAt = "next_attempt_at"
        case giveUpAt = "give_up_at"
        case lastAttemptAt = "last_attempt_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }
}
