import KeywardAPI
import KeywardCore

extension KeywardClient {
    public func createWebhook(_ body: WebhookCreateBody) async throws -> CreatedWebhookObject {
        try await send(.POST, "/v1/webhooks", body: body)
    }

    public func webhooks() async throws -> WebhookList {
        try await send(.GET, "/v1/webhooks")
    }

    public func webhook(id: String) async throws -> WebhookSubscription {
        try await send(.GET, "/v1/webhooks/\(try Self.pathSegment(id, as: .webhookID))")
    }

    public func setWebhookPaused(id: String, _ paused: Bool) async throws -> WebhookSubscription {
        try await send(.PATCH, "/v1/webhooks/\(try Self.pathSegment(id, as: .webhookID))", body: WebhookUpdateBody(paused: paused))
    }

    /// Deletes the subscription (and its queued deliveries); returns it as it was.
    @discardableResult
    public func deleteWebhook(id: String) async throws -> WebhookSubscription {
        try await send(.DELETE, "/v1/webhooks/\(try Self.pathSegment(id, as: .webhookID))")
    }

    public func webhookDeliveries(id: String, state: WebhookDelivery.State? = nil, limit: Int? = nil, cursor: String? = nil) async throws -> WebhookDeliveryList {
        var query: [(String, String)] = []
        if let state { query.append(("state", state.rawValue)) }
        if let limit { query.append(("limit", String(limit))) }
        if let cursor { query.append(("cursor", cursor)) }
        return try await send(.GET, "/v1/webhooks/\(try Self.pathSegment(id, as: .webhookID))/deliveries", query: query)
    }

    public func redeliverWebhook(id: String, delivery: String) async throws -> WebhookDelivery {
        try await send(.POST, "/v1/webhooks/\(try Self.pathSegment(id, as: .webhookID))/deliveries/\(try Self.pathSegment(delivery, as: .deliveryID))/redeliver")
    }
}
