import Foundation
import KeywardCore
import SQLKit

/// What one pass of ``SQLStore/ingestWebhookEvents(now:eventPage:deliveryBudget:)`` did.
public struct WebhookIngestion: Sendable, Equatable {
    /// Audit events read.
    public var events: Int
    /// Deliveries queued.
    public var deliveries: Int
    /// True when the cursor reached the end of the audit log.
    public var caughtUp: Bool
}

/// A delivery ready for its next attempt, with what sending it needs.
public struct DueWebhookDelivery: Sendable {
    public var sequence: Int64
    public var id: String
    public var subscriptionID: String
    public var subject: String
    public var url: String
    /// The subscription's `whsec_…` secret, opened from its sealed form for the attempt and kept
    /// in memory only for it; an error when this node's master keys do not open it (the attempt
    /// then fails with that reason).
    public var secret: Result<String, SealedSecretError>
    public var payload: String
    public var attempts: Int
    public var giveUpAt: Timestamp?
}

/// The result of one attempt.
public struct WebhookAttemptOutcome: Sendable {
    public var delivery: DueWebhookDelivery
    public var at: Timestamp
    public var status: Int?
    public var error: String?
    public var durationMilliseconds: Int64

    public init(delivery: DueWebhookDelivery, at: Timestamp, status: Int?, error: String?, durationMilliseconds: Int64) {
        self.delivery = delivery
        self.at = at
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }

    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// The durable outbox. The dispatcher turns audit events into `webhook_deliveries` rows after a
/// persisted cursor (one transaction per page, cursor and rows together, so a crash neither
/// loses nor duplicates), then attempts due rows and records each outcome.
extension SQLStore {
    static let transitionPage = 1000

    /// Turns the audit events after the cursor into deliveries for the subscriptions that want
    /// them, at most `eventPage` events and about `deliveryBudget` deliveries per call (a
    /// policy evaluation that opened 300,000 findings is expanded over many calls, resuming in
    /// the middle of its event).
    ///
    /// Runs under the cursor row's lock on PostgreSQL, so two nodes never ingest the same page.
    public func ingestWebhookEvents(now: Timestamp, eventPage: Int = 500, deliveryBudget: Int = 5000) async throws -> WebhookIngestion {
        // Most calls find nothing new: answer those from the reader, without taking the writer.
        let behind = try await backend.read { db in
            try await db.raw("SELECT d.audit_seq, h.seq FROM webhook_dispatch d, audit_head h WHERE d.id = 1 AND h.id = 1").first().map {
                try $0.decode(column: "seq", as: Int64.self) > $0.decode(column: "audit_seq", as: Int64.self)
            }
        }
        guard behind ?? true else { return WebhookIngestion(events: 0, deliveries: 0, caughtUp: true) }
        let flavor = backend.flavor
        return try await backend.write { db in
            let lock = flavor == .postgres ? " FOR UPDATE" : ""
            guard let cursorRow = try await db.raw("SELECT audit_seq, transition_seq FROM webhook_dispatch WHERE id = 1\(unsafeRaw: lock)").first() else {
                throw StoreError.corrupt("webhook_dispatch row is missing")
            }
            let auditCursor = try cursorRow.decode(column: "audit_seq", as: Int64.self)
            let transitionCursor = try cursorRow.decode(column: "transition_seq", as: Int64.self)
            let head = try await db.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int64.self) ?? 0
            guard head > auditCursor else { return WebhookIngestion(events: 0, deliveries: 0, caughtUp: true) }
            let subscriptions = try await db.raw("SELECT \(unsafeRaw: Self.webhookColumns) FROM webhook_subscriptions ORDER BY seq").all()
                .map(Self.decodeWebhook)
            guard !subscriptions.isEmpty else {
                try await db.raw("UPDATE webhook_dispatch SET audit_seq = \(bind: head), transition_seq = 0 WHERE id = 1").run()
                return WebhookIngestion(events: Int(head - auditCursor), deliveries: 0, caughtUp: true)
            }
            let events = try await db.raw("""
                SELECT \(unsafeRaw: Self.auditColumns) FROM audit_events WHERE seq > \(bind: auditCursor) AND seq <= \(bind: head) \
                ORDER BY seq LIMIT \(bind: eventPage)
                """).all().map(Self.decodeAudit)
            let owners = try await Self.keyOwners(of: events, on: db)
            let wantsFindings = subscriptions.contains { $0.events.contains(.findingOpened) }
            let openingTimes = wantsFindings ? try await Self.findingOpeningTimes(of: events, on: db) : []

            var drafts: [SQLQueryString] = []
            var processedThrough = auditCursor
            var partialTransition: Int64 = 0
            var stoppedEarly = false
            func queue(_ subscription: WebhookSubscription, eventID: String, type: String, subject: String, payload: String) {
                let id = "msg_" + String(KeyID.random().description.dropFirst(4))
                drafts.append("""
                    (\(bind: id), \(bind: subscription.id), \(bind: eventID), \(bind: type), \(bind: subject), \(bind: payload), 'pending', 0, \
                    \(bind: now.millisecondsSinceEpoch), \(bind: now.millisecondsSinceEpoch))
                    """)
            }
            eventLoop: for event in events {
                // An audit action named finding.opened is not delivered as such: finding.opened
                // comes from the findings' history, below, whoever opened the finding.
                if let type = WebhookEventType(rawValue: event.action), type != .findingOpened {
                    let owner = event.details["owner"]?.stringValue ?? owners[event.subjectID]
                    var payload: String?
                    for subscription in subscriptions where subscription.wants(type, sequence: event.sequence, owner: owner) {
                        let body = payload ?? WebhookPayload.audit(event, owner: owner)
                        payload = body
                        queue(subscription, eventID: "evt_\(event.sequence)", type: type.rawValue, subject: event.subjectID, payload: body)
                    }
                }
                if openingTimes.contains(OpeningKey(at: event.occurredAt.millisecondsSinceEpoch, actor: event.actor)) {
                    var after = event.sequence == auditCursor + 1 ? transitionCursor : 0
                    while true {
                        let opened = try await Self.openedFindings(at: event.occurredAt, actor: event.actor, after: after, on: db)
                        for finding in opened {
                            for subscription in subscriptions
                            where subscription.wants(.findingOpened, sequence: event.sequence, owner: finding.owner) {
                                queue(subscription, eventID: "evt_f\(finding.transitionSequence)", type: WebhookEventType.findingOpened.rawValue,
                                      subject: finding.subjectID, payload: WebhookPayload.finding(finding, event: event))
                            }
                        }
                        guard opened.count == Self.transitionPage, let last = opened.last else { break }
                        after = last.transitionSequence
                        if drafts.count >= deliveryBudget {
                            processedThrough = event.sequence - 1
                            partialTransition = after
                            stoppedEarly = true
                            break eventLoop
                        }
                    }
                }
                processedThrough = event.sequence
                if drafts.count >= deliveryBudget {
                    stoppedEarly = event.sequence < head
                    break
                }
            }
            for start in stride(from: 0, to: drafts.count, by: 200) {
                let rows = drafts[start..<min(start + 200, drafts.count)]
                try await db.raw("""
                    INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, subject, payload, state, attempts, \
                    next_attempt_at, created_at) VALUES \(rows.joined(separator: ", ")) ON CONFLICT (subscription_id, event_id) DO NOTHING
                    """).run()
            }
            let caughtUp = !stoppedEarly && events.count < eventPage
            let cursor = caughtUp ? head : processedThrough
            try await db.raw("UPDATE webhook_dispatch SET audit_seq = \(bind: cursor), transition_seq = \(bind: partialTransition) WHERE id = 1").run()
            return WebhookIngestion(events: events.count, deliveries: drafts.count, caughtUp: caughtUp && cursor == head)
        }
    }

    struct OpeningKey: Hashable {
        var at: Int64
        var actor: String
    }

    /// The owners of keys named by events whose details do not name one (key.rotated).
    static func keyOwners(of events: [AuditEvent], on db: any SQLDatabase) async throws -> [String: String] {
        let ids = Array(Set(events.filter { $0.subjectKind == "key" && $0.details["owner"]?.stringValue == nil }.map(\.subjectID)))
        var owners: [String: String] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            for row in try await db.raw("SELECT id, owner FROM keys WHERE id IN (\(binds: batch))").all() {
                owners[try row.decode(column: "id", as: String.self)] = try row.decode(column: "owner", as: String.self)
            }
        }
        return owners
    }

    /// The (time, actor) pairs of these events at which some finding opened. A change that opens
    /// findings writes their history rows and its audit event in one transaction with the same
    /// time and actor, so the audit log — whose order is the commit order — says when to look.
    static func findingOpeningTimes(of events: [AuditEvent], on db: any SQLDatabase) async throws -> Set<OpeningKey> {
        let times = Array(Set(events.map(\.occurredAt.millisecondsSinceEpoch)))
        var found: Set<OpeningKey> = []
        for start in stride(from: 0, to: times.count, by: 500) {
            let batch = Array(times[start..<min(start + 500, times.count)])
            let rows = try await db.raw("""
                SELECT DISTINCT at, actor FROM finding_transitions WHERE at IN (\(binds: batch)) AND to_state = 'open' \
                AND (from_state IS NULL OR from_state = 'resolved')
                """).all()
            for row in rows {
                found.insert(OpeningKey(at: try row.decode(column: "at", as: Int64.self), actor: try row.decode(column: "actor", as: String.self)))
            }
        }
        return found
    }

    static func openedFindings(at time: Timestamp, actor: String, after: Int64, on db: any SQLDatabase) async throws -> [OpenedFinding] {
        try await db.raw("""
            SELECT t.seq AS tseq, t.finding_id, t.rule, t.from_state, t.reason, f.source, f.severity, f.subject_kind, f.subject_id, f.provider, \
            f.external_id, f.owner, f.message FROM finding_transitions t LEFT JOIN findings f ON f.id = t.finding_id \
            WHERE t.at = \(bind: time.millisecondsSinceEpoch) AND t.actor = \(bind: actor) AND t.to_state = 'open' \
            AND (t.from_state IS NULL OR t.from_state = 'resolved') AND t.seq > \(bind: after) ORDER BY t.seq LIMIT \(bind: transitionPage)
            """).all().map { row in
            let findingID = try row.decode(column: "finding_id", as: String.self)
            return OpenedFinding(
                transitionSequence: try row.decode(column: "tseq", as: Int64.self), findingID: findingID,
                rule: try row.decode(column: "rule", as: String.self), reopened: try row.decode(column: "from_state", as: String?.self) != nil,
                reason: try row.decode(column: "reason", as: String.self), source: try row.decode(column: "source", as: String?.self),
                severity: try row.decode(column: "severity", as: String?.self),
                subjectKind: try row.decode(column: "subject_kind", as: String?.self) ?? "finding",
                subjectID: try row.decode(column: "subject_id", as: String?.self) ?? findingID,
                provider: try row.decode(column: "provider", as: String?.self), externalID: try row.decode(column: "external_id", as: String?.self),
                owner: try row.decode(column: "owner", as: String?.self), message: try row.decode(column: "message", as: String?.self))
        }
    }

    // MARK: attempts

    /// Up to `limit` deliveries whose next attempt is due, each the earliest pending delivery of
    /// its subject for its subscription (a later event about a key waits while an earlier one is
    /// pending), for subscriptions that are not paused.
    public func dueWebhookDeliveries(now: Timestamp, limit: Int) async throws -> [DueWebhookDelivery] {
        try await backend.read { db in
            // Subscriptions are few (at most 100): read them whole, and keep the delivery query
            // on one table, where it walks `webhook_deliveries_due` in order and stops at `limit`.
            var targets: [String: (url: String, secret: Result<String, SealedSecretError>)] = [:]
            let keyring = self.keyring
            var paused: [String] = []
            for row in try await db.raw("SELECT id, url, secret, paused FROM webhook_subscriptions").all() {
                let id = try row.decode(column: "id", as: String.self)
                if try row.decode(column: "paused", as: Int.self) != 0 {
                    paused.append(id)
                } else {
                    let sealed = try row.decode(column: "secret", as: String.self)
                    targets[id] = (try row.decode(column: "url", as: String.self),
                                   Result { () throws(SealedSecretError) in try keyring.open(sealed, context: Self.webhookSecretContext(id)) })
                }
            }
            guard !targets.isEmpty else { return [] }
            let skipPaused: SQLQueryString = paused.isEmpty ? "" : " AND d.subscription_id NOT IN (\(binds: paused))"
            return try await db.raw("""
                SELECT d.seq, d.id, d.subscription_id, d.subject, d.payload, d.attempts, d.give_up_at FROM webhook_deliveries d \
                WHERE d.state = 'pending' AND d.next_attempt_at <= \(bind: now.millisecondsSinceEpoch)\(skipPaused) \
                AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id AND e.subject = d.subject \
                AND e.state = 'pending' AND e.seq < d.seq) \
                ORDER BY d.next_attempt_at, d.seq LIMIT \(bind: limit)
                """).all().compactMap { row in
                let subscriptionID = try row.decode(column: "subscription_id", as: String.self)
                guard let target = targets[subscriptionID] else { return nil }
                return DueWebhookDelivery(
                    sequence: try row.decode(column: "seq", as: Int64.self), id: try row.decode(column: "id", as: String.self),
                    subscriptionID: subscriptionID, subject: try row.decode(column: "subject", as: String.self),
                    url: target.url, secret: target.secret,
                    payload: try row.decode(column: "payload", as: String.self), attempts: try row.decode(column: "attempts", as: Int.self),
                    giveUpAt: try row.decode(column: "give_up_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)))
            }
        }
    }

    /// What recording a batch of outcomes changed.
    public struct WebhookOutcomeSummary: Sendable, Equatable {
        public var delivered = 0
        /// Given up (the horizon passed).
        public var failed = 0
        /// Failed attempts that will be retried.
        public var retrying = 0
    }

    /// Records attempts in one transaction: the attempt rows, and per delivery `delivered`, a
    /// next attempt with backoff, or `failed` once the horizon (counted from the first attempt)
    /// would be passed. The later deliveries of the same subject follow the earliest: they wait
    /// with it while it backs off, and become due as soon as it is settled.
    public func recordWebhookOutcomes(_ outcomes: [WebhookAttemptOutcome], backoff: WebhookBackoff,
                                      jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) async throws -> WebhookOutcomeSummary {
        guard !outcomes.isEmpty else { return WebhookOutcomeSummary() }
        return try await backend.write { db in
            var summary = WebhookOutcomeSummary()
            for start in stride(from: 0, to: outcomes.count, by: 200) {
                let rows: [SQLQueryString] = outcomes[start..<min(start + 200, outcomes.count)].map { outcome in
                    """
                    (\(bind: outcome.delivery.id), \(bind: outcome.delivery.attempts + 1), \(bind: outcome.at.millisecondsSinceEpoch), \
                    \(bind: outcome.status), \(bind: outcome.error), \(bind: outcome.durationMilliseconds))
                    """
                }
                try await db.raw("""
                    INSERT INTO webhook_attempts (delivery_id, attempt, at, status, error, duration_ms) VALUES \(rows.joined(separator: ", ")) \
                    ON CONFLICT (delivery_id, attempt) DO NOTHING
                    """).run()
            }
            // First-attempt successes, the bulk of the traffic, in one statement per 200 rows.
            let quick = outcomes.filter { $0.succeeded && $0.delivery.attempts == 0 }
            for start in stride(from: 0, to: quick.count, by: 200) {
                let rows: [SQLQueryString] = quick[start..<min(start + 200, quick.count)].map { outcome in
                    let at = outcome.at.millisecondsSinceEpoch
                    return """
                        (CAST(\(bind: outcome.delivery.id) AS TEXT), CAST(\(bind: at) AS BIGINT), CAST(\(bind: outcome.status ?? 0) AS BIGINT), \
                        CAST(\(bind: at + backoff.horizonMilliseconds) AS BIGINT))
                        """
                }
                try await db.raw("""
                    UPDATE webhook_deliveries SET state = 'delivered', attempts = 1, next_attempt_at = v.column2, give_up_at = v.column4, \
                    last_attempt_at = v.column2, last_status = v.column3, last_error = NULL, delivered_at = v.column2 \
                    FROM (VALUES \(rows.joined(separator: ", "))) AS v WHERE webhook_deliveries.id = v.column1 AND webhook_deliveries.state = 'pending'
                    """).run()
            }
            summary.delivered += quick.count
            for outcome in outcomes where !(outcome.succeeded && outcome.delivery.attempts == 0) {
                let delivery = outcome.delivery
                let attempts = delivery.attempts + 1
                let now = outcome.at.millisecondsSinceEpoch
                let giveUpAt = delivery.giveUpAt ?? outcome.at.adding(milliseconds: backoff.horizonMilliseconds)
                let next = outcome.succeeded ? nil
                    : backoff.nextAttempt(afterFailures: attempts, at: outcome.at, giveUpAt: giveUpAt, jitter: jitter())
                let state: WebhookDelivery.State = outcome.succeeded ? .delivered : (next == nil ? .failed : .pending)
                try await db.raw("""
                    UPDATE webhook_deliveries SET state = \(bind: state.rawValue), attempts = \(bind: attempts), \
                    next_attempt_at = \(bind: next?.millisecondsSinceEpoch ?? now), give_up_at = \(bind: giveUpAt.millisecondsSinceEpoch), \
                    last_attempt_at = \(bind: now), last_status = \(bind: outcome.status), last_error = \(bind: outcome.error), \
                    delivered_at = \(bind: outcome.succeeded ? Optional(now) : nil) WHERE id = \(bind: delivery.id) AND state = 'pending'
                    """).run()
                let successors: SQLQueryString = """
                    subscription_id = \(bind: delivery.subscriptionID) AND subject = \(bind: delivery.subject) AND state = 'pending' \
                    AND seq > \(bind: delivery.sequence)
                    """
                switch state {
                case .pending:
                    summary.retrying += 1
                    // Nothing later about this subject may go first: keep it off the due list
                    // until the earliest is tried again.
                    let at = next!.millisecondsSinceEpoch
                    try await db.raw("UPDATE webhook_deliveries SET next_attempt_at = \(bind: at) WHERE \(successors) AND next_attempt_at < \(bind: at)").run()
                case .delivered, .failed:
                    if state == .delivered { summary.delivered += 1 } else { summary.failed += 1 }
                    // Successors held back behind a retried delivery become due now.
                    if delivery.attempts > 0 || state == .failed {
                        try await db.raw("UPDATE webhook_deliveries SET next_attempt_at = \(bind: now) WHERE \(successors) AND attempts = 0 AND next_attempt_at > \(bind: now)").run()
                    }
                }
            }
            return summary
        }
    }
}
