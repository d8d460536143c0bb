import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardStore

/// `/v1/webhooks`: subscriptions to events, their deliveries, and redelivery. Changes need
/// `keyward:write` (or admin), reading needs `keyward:read`. The signing secret appears in the
/// answer to the creating request only.
enum WebhookRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let store = node.store
        let clock = node.clock
        return [
            APIRoute(.post, "/v1/webhooks", scope: "keyward:write") { request, context, credential in
                let body = try await JSONBody.decode(WebhookCreateBody.self, from: request, context: context, allowed: WebhookCreateBody.members)
                let validated = try WebhookSubscriptionRequest(url: body.url, events: body.events, owner: body.owner, description: body.description)
                try WebhookTarget.checkLiteral(url: validated.url, policy: node.configuration.webhooks.targets)
                let (subscription, secret) = try await store.createWebhook(validated, by: credential!.principal, at: clock.now())
                return try JSONBody.response(CreatedWebhookObject(subscription: subscription, secret: secret), status: .created)
            },
            APIRoute(.get, "/v1/webhooks", scope: "keyward:read") { _, _, credential in
                try JSONBody.response(WebhookList(webhooks: try await store.webhooks().map { shown($0, to: credential) }))
            },
            APIRoute(.get, "/v1/webhooks/{id}", scope: "keyward:read") { _, context, credential in
                try JSONBody.response(shown(try await store.webhook(id: try context.webhookID()), to: credential))
            },
            APIRoute(.patch, "/v1/webhooks/{id}", scope: "keyward:write") { request, context, credential in
                let id = try context.webhookID()
                let body = try await JSONBody.decode(WebhookUpdateBody.self, from: request, context: context, allowed: WebhookUpdateBody.members)
                return try JSONBody.response(try await store.setWebhookPaused(id: id, body.paused, by: credential!.principal, at: clock.now()))
            },
            APIRoute(.delete, "/v1/webhooks/{id}", scope: "keyward:write") { _, context, credential in
                try JSONBody.response(try await store.deleteWebhook(id: try context.webhookID(), by: credential!.principal, at: clock.now()))
            },
            APIRoute(.get, "/v1/webhooks/{id}/deliveries", scope: "keyward:read") { request, context, _ in
                var state: WebhookDelivery.State?
                if let text = try request.query("state", maximumLength: 16) {
                    guard let parsed = WebhookDelivery.State(rawValue: text) else {
                        throw APIError.badRequest("state must be pending, delivered or failed, got \"\(text)\"")
                    }
                    state = parsed
                }
                var before: Int64?
                if let cursor = try request.query("cursor", maximumLength: 24) {
                    guard cursor.hasPrefix("d"), let value = Int64(cursor.dropFirst()), value > 0 else {
                        throw APIError.badRequest("cursor is not one this server returned")
                    }
                    before = value
                }
                let page = try await store.webhookDeliveries(subscriptionID: try context.webhookID(), state: state, before: before,
                                                             limit: try request.intQuery("limit") ?? 50)
                return try JSONBody.response(WebhookDeliveryList(deliveries: page.deliveries, nextCursor: page.nextBefore.map { "d\($0)" }))
            },
            APIRoute(.post, "/v1/webhooks/{id}/deliveries/{delivery}/redeliver", scope: "keyward:write") { _, context, credential in
                let delivery = context.parameters.get("delivery") ?? ""
                guard Self.isIdentifier(delivery, prefix: "msg_") else {
                    throw APIError.notFound(GivenIdentifier.deliveryID.message(delivery) { "no delivery with \($0) (ids look like msg_ followed by letters and digits)" })
                }
                return try JSONBody.response(try await store.redeliverWebhook(
                    subscriptionID: try context.webhookID(), deliveryID: delivery, by: credential!.principal, at: clock.now()), status: .accepted)
            },
        ]
    }

    /// A subscription as a caller may see it: a reader (no `keyward:write`) sees only the URL's
    /// origin, as the audit log shows it, because a URL's path or query is often itself the
    /// receiver's credential.
    static func shown(_ subscription: WebhookSubscription, to credential: Credential?) -> WebhookSubscription {
        if let principal = credential?.principal, principal.isAdmin || principal.has("keyward:write") { return subscription }
        var shown = subscription
        shown.url = WebhookSubscriptionRequest.origin(of: subscription.url)
        return shown
    }

    static func isIdentifier(_ text: String, prefix: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count <= 64 && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { Base62.isDigit($0) }
    }
}

extension KeywardRequestContext {
    func webhookID() throws -> String {
        let text = parameters.get("id") ?? ""
        guard WebhookRoutes.isIdentifier(text, prefix: "whk_") else {
            throw APIError.notFound(GivenIdentifier.webhookID.message(text) { "no webhook subscription with \($0) (ids look like whk_ followed by letters and digits)" })
        }
        return text
    }
}
