import Foundation
import KeywardCore
import SQLKit

/// Reading the outbox (`GET /v1/webhooks/{id}/deliveries`, the queue depth) and redelivery.
extension SQLStore {
    public func pendingWebhookDeliveryCount() async throws -> Int {
        try await backend.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    static let deliveryColumns = """
        seq, id, subscription_id, event_id, event_type, subject, payload, state, attempts, next_attempt_at, give_up_at, last_attempt_at, \
        last_status, last_error, created_at, delivered_at
        """

    /// A subscription's deliveries, newest first, with their attempts; `before` pages by the
    /// delivery sequence (`next_cursor`).
    public func webhookDeliveries(subscriptionID: String, state: WebhookDelivery.State? = nil, before: Int64? = nil,
                                  limit: Int = 50) async throws -> (deliveries: [WebhookDelivery], nextBefore: Int64?) {
        guard (1...500).contains(limit) else { throw KeywardError.invalidArgument("limit must be between 1 and 500, got \(limit)") }
        _ = try await webhook(id: subscriptionID)
        return try await backend.read { db in
            var conditions: [SQLQueryString] = ["subscription_id = \(bind: subscriptionID)"]
            if let state { conditions.append("state = \(bind: state.rawValue)") }
            if let before { conditions.append("seq < \(bind: before)") }
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: Self.deliveryColumns) FROM webhook_deliveries WHERE \(conditions.joined(separator: " AND ")) \
                ORDER BY seq DESC LIMIT \(bind: limit + 1)
                """).all()
            let page = Array(rows.prefix(limit))
            let ids = try page.map { try $0.decode(column: "id", as: String.self) }
            var history: [String: [WebhookDelivery.Attempt]] = [:]
            if !ids.isEmpty {
                for row in try await db.raw("""
                    SELECT delivery_id, attempt, at, status, error, duration_ms FROM webhook_attempts WHERE delivery_id IN (\(binds: ids)) \
                    ORDER BY delivery_id, attempt
                    """).all() {
                    history[try row.decode(column: "delivery_id", as: String.self), default: []].append(WebhookDelivery.Attempt(
                        attempt: try row.decode(column: "attempt", as: Int.self),
                        at: Timestamp(millisecondsSinceEpoch: try row.decode(column: "at", as: Int64.self)),
                        status: try row.decode(column: "status", as: Int?.self), error: try row.decode(column: "error", as: String?.self),
                        durationMilliseconds: try row.decode(column: "duration_ms", as: Int64.self)))
                }
            }
            let deliveries = try page.map { try Self.decodeDelivery($0, history: history) }
            let next = rows.count > limit ? try page.last?.decode(column: "seq", as: Int64.self) : nil
            return (deliveries, next)
        }
    }

    static func decodeDelivery(_ row: any SQLRow, history: [String: [WebhookDelivery.Attempt]]) throws -> WebhookDelivery {
        func time(_ column: String) throws -> Timestamp? {
            try row.decode(column: column, as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
        }
        let id = try row.decode(column: "id", as: String.self)
        let state = WebhookDelivery.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending
        let payloadText = try row.decode(column: "payload", as: String.self)
        return WebhookDelivery(
            id: id, subscriptionID: try row.decode(column: "subscription_id", as: String.self),
            eventID: try row.decode(column: "event_id", as: String.self), eventType: try row.decode(column: "event_type", as: String.self),
            subject: try row.decode(column: "subject", as: String.self), state: state, attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: state == .pending ? try time("next_attempt_at") : nil, giveUpAt: try time("give_up_at"),
            lastAttemptAt: try time("last_attempt_at"), lastStatus: try row.decode(column: "last_status", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self), createdAt: try time("created_at") ?? .distantPast,
            deliveredAt: try time("delivered_at"),
            payload: (try? JSONDecoder().decode(JSONValue.self, from: Data(payloadText.utf8))) ?? .string(payloadText),
            history: history[id] ?? [])
    }

    /// Queues a delivery again (after it failed, or to send a delivered event once more): due at
    /// once, with a fresh retry horizon. Audited as `webhook.redelivered`.
    public func redeliverWebhook(subscriptionID: String, deliveryID: String, by principal: Principal, at now: Timestamp) async throws -> WebhookDelivery {
        let flavor = backend.flavor
        try await backend.write { db in
            let lock = flavor == .postgres ? " FOR UPDATE" : ""
            guard let row = try await db.raw("""
                SELECT state FROM webhook_deliveries WHERE id = \(bind: deliveryID) AND subscription_id = \(bind: subscriptionID)\(unsafeRaw: lock)
                """).first() else {
                throw KeywardError.notFound(GivenIdentifier.deliveryID.message(deliveryID) { delivery in
                    GivenIdentifier.webhookID.message(subscriptionID) { "no delivery with \(delivery) for webhook subscription with \($0)" }
                })
            }
            let previous = try row.decode(column: "state", as: String.self)
            try await db.raw("""
                UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = \(bind: now.millisecondsSinceEpoch), give_up_at = NULL, \
                delivered_at = NULL WHERE id = \(bind: deliveryID)
                """).run()
            var details: [String: JSONValue] = ["delivery": .string(deliveryID), "previous_state": .string(previous)]
            if let address = principal.address { details["source_address"] = .string(address) }
            _ = try await SQLStore.appendAudit(
                [AuditDraft(actor: principal.id, action: "webhook.redelivered", subjectKind: "webhook", subjectID: subscriptionID, details: details)],
                at: now, on: db, flavor: flavor)
        }
        let row = try await backend.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.deliveryColumns) FROM webhook_deliveries WHERE id = \(bind: deliveryID)").first()
        }
        guard let row else { throw KeywardError.notFound("delivery \(deliveryID) vanished") }
        return try Self.decodeDelivery(row, history: [:])
    }
}
