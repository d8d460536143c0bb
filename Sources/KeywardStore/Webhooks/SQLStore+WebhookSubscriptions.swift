import Foundation
import KeywardCore
import SQLKit

/// Subscriptions: each change is one transaction with its audit event (`webhook.created`,
/// `webhook.updated`, `webhook.deleted`), whose details name the URL's origin only and never
/// the secret.
extension SQLStore {
    static let webhookColumns = "id, url, events, owner, description, paused, after_seq, created_by, created_at, updated_at"

    /// Creates a subscription with a new signing secret; returns both. The secret is returned
    /// here only, and stored sealed under the master key (``MasterKeyring``).
    public func createWebhook(_ request: WebhookSubscriptionRequest, by principal: Principal, at now: Timestamp) async throws
        -> (subscription: WebhookSubscription, secret: String) {
        let flavor = backend.flavor
        let id = "whk_" + String(KeyID.random().description.dropFirst(4))
        let secret = WebhookSignature.generateSecret()
        let sealed = keyring.seal(secret, context: Self.webhookSecretContext(id))
        let events = JSONValue.array(request.events.map { .string($0.rawValue) }).canonicalJSON
        return try await backend.write { db in
            let count = try await db.raw("SELECT COUNT(*) AS n FROM webhook_subscriptions").first()?.decode(column: "n", as: Int.self) ?? 0
            guard count < WebhookSubscriptionRequest.maximumSubscriptions else {
                throw KeywardError.conflict("at most \(WebhookSubscriptionRequest.maximumSubscriptions) webhook subscriptions; delete one first")
            }
            var details: [String: JSONValue] = [
                "url_origin": .string(WebhookSubscriptionRequest.origin(of: request.url)),
                "events": .array(request.events.map { .string($0.rawValue) }),
            ]
            if let owner = request.owner { details["owner"] = .string(owner) }
            if let address = principal.address { details["source_address"] = .string(address) }
            let written = try await SQLStore.appendAudit(
                [AuditDraft(actor: principal.id, action: "webhook.created", subjectKind: "webhook", subjectID: id, details: details)],
                at: now, on: db, flavor: flavor)
            let subscription = WebhookSubscription(
                id: id, url: request.url, events: request.events, owner: request.owner, description: request.description, paused: false,
                afterSequence: written[0].sequence, createdBy: principal.id, createdAt: now, updatedAt: now)
            try await db.raw("""
                INSERT INTO webhook_subscriptions (\(unsafeRaw: Self.webhookColumns), secret) VALUES (\(bind: id), \(bind: request.url), \
                \(bind: events), \(bind: request.owner), \(bind: request.description), 0, \(bind: subscription.afterSequence), \
                \(bind: principal.id), \(bind: now.millisecondsSinceEpoch), \(bind: now.millisecondsSinceEpoch), \
                \(bind: sealed))
                """).run()
            return (subscription, secret)
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await backend.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.webhookColumns) FROM webhook_subscriptions ORDER BY seq").all().map(Self.decodeWebhook)
        }
    }

    public func webhook(id: String) async throws -> WebhookSubscription {
        let found = try await backend.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.webhookColumns) FROM webhook_subscriptions WHERE id = \(bind: id)").first().map(Self.decodeWebhook)
        }
        guard let found else { throw Self.noWebhook(id) }
        return found
    }

    static func noWebhook(_ id: String) -> KeywardError {
        KeywardError.notFound(GivenIdentifier.webhookID.message(id) { "no webhook subscription with \($0)" })
    }

    /// Deletes a subscription with its outbox rows (pending deliveries are dropped).
    @discardableResult
    public func deleteWebhook(id: String, by principal: Principal, at now: Timestamp) async throws -> WebhookSubscription {
        let flavor = backend.flavor
        return try await backend.write { db in
            let lock = flavor == .postgres ? " FOR UPDATE" : ""
            guard let row = try await db.raw("SELECT \(unsafeRaw: Self.webhookColumns) FROM webhook_subscriptions WHERE id = \(bind: id)\(unsafeRaw: lock)").first() else {
                throw Self.noWebhook(id)
            }
            let subscription = try Self.decodeWebhook(row)
            let pending = try await db.raw("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE subscription_id = \(bind: id) AND state = 'pending'")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            try await db.raw("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE subscription_id = \(bind: id))").run()
            try await db.raw("DELETE FROM webhook_deliveries WHERE subscription_id = \(bind: id)").run()
            try await db.raw("DELETE FROM webhook_subscriptions WHERE id = \(bind: id)").run()
            var details: [String: JSONValue] = [
                "url_origin": .string(WebhookSubscriptionRequest.origin(of: subscription.url)), "dropped_pending": .number(Double(pending)),
            ]
            if let address = principal.address { details["source_address"] = .string(address) }
            _ = try await SQLStore.appendAudit(
                [AuditDraft(actor: principal.id, action: "webhook.deleted", subjectKind: "webhook", subjectID: id, details: details)],
                at: now, on: db, flavor: flavor)
            return subscription
        }
    }

    /// Pauses (deliveries queue up, none is sent) or resumes a subscription.
    public func setWebhookPaused(id: String, _ paused: Bool, by principal: Principal, at now: Timestamp) async throws -> WebhookSubscription {
        let flavor = backend.flavor
        return try await backend.write { db in
            let lock = flavor == .postgres ? " FOR UPDATE" : ""
            guard let row = try await db.raw("SELECT \(unsafeRaw: Self.webhookColumns) FROM webhook_subscriptions WHERE id = \(bind: id)\(unsafeRaw: lock)").first() else {
                throw Self.noWebhook(id)
            }
            var subscription = try Self.decodeWebhook(row)
            guard subscription.paused != paused else { return subscription }
            subscription.paused = paused
            subscription.updatedAt = now
            try await db.raw("""
                UPDATE webhook_subscriptions SET paused = \(bind: paused ? 1 : 0), updated_at = \(bind: now.millisecondsSinceEpoch) WHERE id = \(bind: id)
                """).run()
            var details: [String: JSONValue] = ["paused": .bool(paused)]
            if let address = principal.address { details["source_address"] = .string(address) }
            _ = try await SQLStore.appendAudit(
                [AuditDraft(actor: principal.id, action: "webhook.updated", subjectKind: "webhook", subjectID: id, details: details)],
                at: now, on: db, flavor: flavor)
            return subscription
        }
    }

    static func decodeWebhook(_ row: any SQLRow) throws -> WebhookSubscription {
        let eventsText = try row.decode(column: "events", as: String.self)
        let names = (try? JSONDecoder().decode([String].self, from: Data(eventsText.utf8))) ?? []
        return WebhookSubscription(
            id: try row.decode(column: "id", as: String.self), url: try row.decode(column: "url", as: String.self),
            events: names.compactMap(WebhookEventType.init(rawValue:)), owner: try row.decode(column: "owner", as: String?.self),
            description: try row.decode(column: "description", as: String?.self),
            paused: try row.decode(column: "paused", as: Int.self) != 0, afterSequence: try row.decode(column: "after_seq", as: Int64.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
