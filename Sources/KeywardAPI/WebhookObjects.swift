import KeywardCore

/// `POST /v1/webhooks`.
public struct WebhookCreateBody: Codable, Sendable {
    public var url: String
    public var events: [String]
    public var owner: String?
    public var description: String?

    public init(url: String, events: [String], owner: String? = nil, description: String? = nil) {
        self.url = url
        self.events = events
        self.owner = owner
        self.description = description
    }

    public static let members: Set<String> = ["url", "events", "owner", "description"]
}

/// `PATCH /v1/webhooks/{id}`: pause or resume.
public struct WebhookUpdateBody: Codable, Sendable {
    public var paused: Bool
    public init(paused: Bool) { self.paused = paused }
    public static let members: Set<String> = ["paused"]
}

/// The answer to `POST /v1/webhooks`: the subscription plus its signing `secret`, shown this
/// once (keyward keeps it to sign deliveries, and never shows it again).
public struct CreatedWebhookObject: Codable, Sendable {
    public var subscription: WebhookSubscription
    public var secret: String

    public init(subscription: WebhookSubscription, secret: String) {
        self.subscription = subscription
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey { case secret }

    public init(from decoder: any Decoder) throws {
        subscription = try WebhookSubscription(from: decoder)
        secret = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .secret)
    }

    public func encode(to encoder: any Encoder) throws {
        try subscription.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(secret, forKey: .secret)
    }
}

/// `GET /v1/webhooks`.
public struct WebhookList: Codable, Sendable {
    public var webhooks: [WebhookSubscription]
    public init(webhooks: [WebhookSubscription]) { self.webhooks = webhooks }
}

/// `GET /v1/webhooks/{id}/deliveries`, newest first; `next_cursor` pages on.
public struct WebhookDeliveryList: Codable, Sendable {
    public var deliveries: [WebhookDelivery]
    @ExplicitNull public var nextCursor: String?

    public init(deliveries: [WebhookDelivery], nextCursor: String?) {
        self.deliveries = deliveries
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case deliveries
        case nextCursor = "next_cursor"
    }
}
