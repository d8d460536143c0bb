/// A webhook subscription as stored and shown (never with its secret: that is returned once,
/// by the request that creates it, in ``KeywardAPI`` `CreatedWebhookObject`).
public struct WebhookSubscription: Sendable, Equatable, Codable {
    public var id: String
    public var url: String
    public var events: [WebhookEventType]
    /// Only events about this owner (keys, findings and anything else whose details name it).
    @ExplicitNull public var owner: String?
    @ExplicitNull public var description: String?
    public var paused: Bool
    /// Events up to this audit sequence number (the subscription's own `webhook.created`) are
    /// older than the subscription and never delivered to it.
    public var afterSequence: Int64
    public var createdBy: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, url: String, events: [WebhookEventType], owner: String?, description: String?, paused: Bool,
                afterSequence: Int64, createdBy: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.url = url
        self.events = events
        self.owner = owner
        self.description = description
        self.paused = paused
        self.afterSequence = afterSequence
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, owner, description, paused
        case afterSequence = "after_seq"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Whether an event of `type` about `owner` goes to this subscription.
    public func wants(_ type: WebhookEventType, sequence: Int64, owner eventOwner: String?) -> Bool {
        guard sequence > afterSequence, events.contains(type) else { return false }
        guard let owner else { return true }
        return eventOwner?.lowercased() == owner.lowercased()
    }
}
