import Foundation
import Hummingbird
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardServer
import KeywardStore
import KeywardTestSupport
import Testing

/// The dispatcher against real HTTP receivers: signatures, retries, timeouts, outages, order,
/// restarts. Time moves with the manual clock; every wait is bounded.
@Suite("Webhook deliveries", .timeLimit(.minutes(2)))
struct WebhookDeliveryTests {
    @Test("events arrive signed, with the Standard Webhooks headers and no secret in the body", arguments: TestDatabase.available)
    func deliversSignedEvents(backend: TestDatabase) async throws {
        try await WebhookFixture.with(backend) { fixture in
            let subscription = try await fixture.subscribe([.keyCreated, .keyRevoked, .keyRotated])
            let dispatcher = fixture.startDispatcher()
            var request = IssueRequest(name: "billing", owner: "payments", scopes: ["billing:read"])
            request.ttlSeconds = 86_400 * 30
            let issued = try await fixture.node.keys.issue(request, by: WebhookFixture.admin)
            let rotation = try await fixture.node.keys.rotate(id: issued.record.id, graceSeconds: 60, by: WebhookFixture.admin)
            _ = try await fixture.node.keys.revoke(id: issued.record.id, reason: "test", by: WebhookFixture.admin)
            try await eventually("4 deliveries", clock: fixture.clock, step: 50) { fixture.receiver.unique.count >= 4 }
            try await dispatcher.stop()

            // Different keys may be delivered concurrently: compare in event order.
            let received = fixture.receiver.unique.sorted { ($0.data["event_seq"] as? Double ?? 0) < ($1.data["event_seq"] as? Double ?? 0) }
            #expect(received.map(\.type) == ["key.created", "key.created", "key.rotated", "key.revoked"])
            #expect(received.allSatisfy { $0.verified }, "every signature verifies with the subscription's secret")
            #expect(received.allSatisfy { $0.id.hasPrefix("msg_") && $0.signature.hasPrefix("v1,") && Int64($0.timestamp) != nil })
            #expect(Set(received.map(\.id)).count == 4)
            let plaintexts = [issued.plaintext.reveal(), rotation.successor.plaintext.reveal()]
            for delivery in received {
                for plaintext in plaintexts { #expect(!delivery.text.contains(plaintext), "a key's plaintext never appears in a payload") }
                #expect(!delivery.text.contains("whsec_"))
                #expect(delivery.json["timestamp"] as? String != nil)
            }
            #expect(received[0].subjectID == issued.record.id.description)
            #expect(received[2].data["owner"] as? String == "payments", "key.rotated gets the key's owner")
            let stored = try await fixture.deliveries(subscription)
            #expect(stored.count == 4 && stored.allSatisfy { $0.state == .delivered && $0.attempts == 1 && $0.history.first?.status == 204 })
            #expect(fixture.node.webhookStats.delivered == 4)
        }
    }

    @Test("keyward's server runs the dispatcher: subscribe over HTTP, issue a key, the receiver gets it signed")
    func throughTheServer() async throws {
        try await WebhookFixture.with { fixture in
            let admin = try #require(try await fixture.node.keys.bootstrapAdmin()).reveal()
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let app = KeywardApplication.application(fixture.node) { port in portContinuation.yield(port) }
            let server = Task { try await app.runService(gracefulShutdownSignals: []) }
            do {
                let port = try await withDeadline(.seconds(20)) { for await port in ports { return port }; return 0 }
                let client = try KeywardClient(baseURL: "http://127.0.0.1:\(port)", token: admin)
                let created = try await client.createWebhook(WebhookCreateBody(url: fixture.receiver.url, events: ["key.created"]))
                fixture.receiver.secret.withLock { $0 = created.secret }
                let issued = try await client.createKey(IssueRequest(name: "over http", owner: "payments"))
                try await eventually("the delivery", clock: fixture.clock, step: 50) { !fixture.receiver.unique.isEmpty }
                let received = try #require(fixture.receiver.unique.first)
                #expect(received.verified && received.subjectID == issued.object.id && !received.text.contains(issued.key))
                // The receiver answers before the dispatcher records the outcome: wait for that.
                try await eventually("the outcome recorded") { fixture.node.webhookStats.delivered == 1 }
                let listed = try await client.webhookDeliveries(id: created.subscription.id)
                #expect(listed.deliveries.count == 1 && listed.deliveries[0].id == received.id && listed.deliveries[0].state == .delivered)
                #expect(fixture.node.webhookStats.isDispatching)
            } catch {
                server.cancel()
                _ = try? await server.value
                throw error
            }
            server.cancel()
            _ = try? await server.value
        }
    }

    @Test("a receiver answering 500 is retried with backoff until it recovers")
    func retriesAfterServerErrors() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyCreated])
            fixture.receiver.mode.withLock { $0 = .fail(500) }
            let dispatcher = fixture.startDispatcher()
            _ = try await fixture.issue("flaky")
            try await eventually("two failed attempts", clock: fixture.clock, step: 250) { fixture.receiver.all.count >= 2 }
            let pending = try await fixture.deliveries(subscription)
            #expect(pending.count == 1 && pending[0].state == .pending && pending[0].lastStatus == 500)
            #expect(pending[0].nextAttemptAt.map { $0 > pending[0].lastAttemptAt! } == true, "the next attempt is scheduled after the last")
            fixture.receiver.mode.withLock { $0 = .accept }
            try await eventually("delivery after recovery", clock: fixture.clock, step: 250) { !fixture.receiver.unique.isEmpty }
            try await dispatcher.stop()
            let delivered = try await fixture.deliveries(subscription)
            #expect(delivered[0].state == .delivered)
            #expect(delivered[0].history.count == delivered[0].attempts && delivered[0].attempts >= 3)
            #expect(delivered[0].history.dropLast().allSatisfy { $0.status == 500 } && delivered[0].history.last?.status == 204)
            #expect(Set(fixture.receiver.all.map(\.id)).count == 1, "every attempt carries the same webhook-id")
        }
    }

    @Test("a hanging receiver is cut off by the timeout and retried")
    func hangingReceiverTimesOut() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyCreated])
            fixture.receiver.mode.withLock { $0 = .hang }
            let dispatcher = fixture.startDispatcher()
            _ = try await fixture.issue("slow")
            try await eventually("a timed-out attempt") {
                try await fixture.deliveries(subscription).first?.lastError?.contains("timeout") == true
            }
            fixture.receiver.mode.withLock { $0 = .accept }
            try await eventually("delivery after the hang", clock: fixture.clock, step: 250) { !fixture.receiver.unique.isEmpty }
            try await dispatcher.stop()
            let delivery = try #require(try await fixture.deliveries(subscription).first)
            #expect(delivery.state == .delivered && delivery.history.first?.status == nil && delivery.history.first?.error?.contains("timeout") == true)
        }
    }

    @Test("a receiver down for an hour gets every event afterwards, in order per key", arguments: TestDatabase.available)
    func outageLosesNothingAndKeepsOrder(backend: TestDatabase) async throws {
        try await WebhookFixture.with(backend) { fixture in
            let subscription = try await fixture.subscribe([.keyCreated, .keyRotated, .keyRevoked])
            let port = fixture.receiver.port
            await fixture.receiver.stop()
            let dispatcher = fixture.startDispatcher()
            var expected: [String: [String]] = [:]
            for index in 0..<3 {
                let key = try await fixture.issue("key \(index)")
                let rotation = try await fixture.node.keys.rotate(id: key.id, graceSeconds: 60, by: WebhookFixture.admin)
                _ = try await fixture.node.keys.revoke(id: key.id, reason: "outage test", by: WebhookFixture.admin)
                expected[key.id.description] = ["key.created", "key.rotated", "key.revoked"]
                expected[rotation.successor.record.id.description] = ["key.created"]
            }
            // An hour of failures: only the earliest delivery of each key is tried.
            for _ in 0..<6 {
                let before = try await fixture.deliveries(subscription).reduce(0) { $0 + $1.attempts }
                fixture.clock.advance(seconds: 600)
                try await eventually("more attempts while down") {
                    try await fixture.deliveries(subscription).reduce(0) { $0 + $1.attempts } > before
                }
            }
            let during = try await fixture.deliveries(subscription)
            #expect(during.count == 12 && during.allSatisfy { $0.state == .pending })
            for (key, _) in expected {
                let ofKey = during.filter { $0.subject == key }.sorted { $0.createdAt < $1.createdAt || $0.id < $1.id }
                #expect(ofKey.filter { $0.attempts > 0 }.count == 1, "only the head of key \(key)'s queue was attempted")
            }
            try await fixture.receiver.start(port: port)
            try await eventually("all 12 events", clock: fixture.clock, step: 500) {
                try await fixture.deliveries(subscription, state: .delivered).count == 12
            }
            try await dispatcher.stop()
            let received = fixture.receiver.unique
            #expect(received.count == 12)
            for (key, types) in expected {
                #expect(received.filter { $0.subjectID == key }.map(\.type) == types, "events about \(key) arrive in order")
            }
            let sequences = received.map { $0.data["event_seq"] as? Double ?? 0 }
            for (key, _) in expected {
                let ofKey = zip(received, sequences).filter { $0.0.subjectID == key }.map(\.1)
                #expect(ofKey == ofKey.sorted())
            }
        }
    }

    @Test("a dispatcher restarted on the same database delivers everything once")
    func restartLosesNothing() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyCreated, .keyRevoked])
            let first = fixture.startDispatcher()
            for index in 0..<5 { _ = try await fixture.issue("before \(index)") }
            try await eventually("first five", clock: fixture.clock, step: 50) { fixture.receiver.unique.count >= 5 }
            try await first.stop()
            // While no dispatcher runs, events keep being written to the audit log.
            for index in 0..<5 { _ = try await fixture.issue("between \(index)") }
            let restarted = try await fixture.openAnotherNode()
            let second = fixture.startDispatcher(on: restarted)
            try await eventually("all ten", clock: fixture.clock, step: 50) { try await fixture.deliveries(subscription, state: .delivered).count == 10 }
            try await second.stop()
            #expect(fixture.receiver.unique.count == 10, "nothing lost")
            let stored = try await fixture.deliveries(subscription)
            #expect(stored.allSatisfy { $0.state == .delivered })
            #expect(stored.reduce(0) { $0 + $1.history.count } == fixture.receiver.all.count,
                    "every request the receiver saw is a recorded attempt: nothing was sent again after the restart")
        }
    }

    @Test("deliveries are given up after the horizon, and later events of the key go on")
    func givesUpAfterHorizon() async throws {
        try await WebhookFixture.with(configure: { $0.backoff = WebhookBackoff(baseMilliseconds: 1000, capMilliseconds: 2000, horizonMilliseconds: 10_000) }) { fixture in
            let subscription = try await fixture.subscribe([.keyCreated, .keyRevoked])
            fixture.receiver.mode.withLock { $0 = .fail(503) }
            let dispatcher = fixture.startDispatcher()
            let key = try await fixture.issue("doomed")
            try await eventually("the first attempt") { !fixture.receiver.all.isEmpty }
            _ = try await fixture.node.keys.revoke(id: key.id, reason: nil, by: WebhookFixture.admin)
            try await eventually("key.created given up", clock: fixture.clock, step: 500) {
                try await fixture.deliveries(subscription, state: .failed).count == 1
            }
            fixture.receiver.mode.withLock { $0 = .accept }
            try await eventually("key.revoked delivered", clock: fixture.clock, step: 500) { !fixture.receiver.unique.isEmpty }
            try await dispatcher.stop()
            #expect(fixture.receiver.unique.map(\.type) == ["key.revoked"])
            #expect(fixture.node.webhookStats.failed == 1)
            // Redelivery queues the failed one again; it goes out.
            let failed = try #require(try await fixture.deliveries(subscription, state: .failed).first)
            let again = try await fixture.store.redeliverWebhook(subscriptionID: subscription.id, deliveryID: failed.id,
                                                                 by: WebhookFixture.admin, at: fixture.clock.now())
            #expect(again.state == .pending)
            let restarted = fixture.startDispatcher()
            try await eventually("redelivered", clock: fixture.clock, step: 50) { fixture.receiver.unique.count == 2 }
            try await restarted.stop()
            #expect(fixture.receiver.unique.last?.type == "key.created")
        }
    }

    @Test("owner filters, pauses and events before the subscription are respected")
    func filtersAndPause() async throws {
        try await WebhookFixture.with { fixture in
            _ = try await fixture.issue("older", owner: "payments")
            let subscription = try await fixture.subscribe([.keyCreated], owner: "Payments")
            _ = try await fixture.issue("other team", owner: "search")
            _ = try await fixture.issue("ours", owner: "payments")
            let dispatcher = fixture.startDispatcher()
            try await eventually("one delivery", clock: fixture.clock, step: 50) { fixture.receiver.unique.count == 1 }
            _ = try await fixture.store.setWebhookPaused(id: subscription.id, true, by: WebhookFixture.admin, at: fixture.clock.now())
            _ = try await fixture.issue("while paused", owner: "payments")
            try await eventually("queued while paused") { try await fixture.deliveries(subscription, state: .pending).count == 1 }
            #expect(fixture.receiver.unique.count == 1)
            _ = try await fixture.store.setWebhookPaused(id: subscription.id, false, by: WebhookFixture.admin, at: fixture.clock.now())
            try await eventually("sent after resuming", clock: fixture.clock, step: 50) { fixture.receiver.unique.count == 2 }
            try await dispatcher.stop()
            #expect(fixture.receiver.unique.map { $0.data["name"] as? String } == ["ours", "while paused"])
        }
    }

    @Test("two dispatchers on one database: one holds the lease, each event is delivered once", arguments: TestDatabase.available)
    func oneDispatcherAtATime(backend: TestDatabase) async throws {
        try await WebhookFixture.with(backend) { fixture in
            _ = try await fixture.subscribe([.keyCreated])
            let other = try await fixture.openAnotherNode()
            let first = fixture.startDispatcher()
            let second = fixture.startDispatcher(on: other)
            for index in 0..<20 { _ = try await fixture.issue("key \(index)") }
            try await eventually("twenty deliveries", clock: fixture.clock, step: 50) { fixture.receiver.unique.count >= 20 }
            #expect(fixture.node.webhookStats.isDispatching != other.webhookStats.isDispatching, "exactly one node dispatches")
            try await first.stop()
            try await second.stop()
            #expect(fixture.receiver.unique.count == 20)
            let subscriptionID = try #require(try await fixture.store.webhooks().first?.id)
            let stored = try await fixture.store.webhookDeliveries(subscriptionID: subscriptionID, limit: 100).deliveries
            #expect(stored.count == 20 && stored.allSatisfy { $0.state == .delivered })
            #expect(stored.reduce(0) { $0 + $1.history.count } == fixture.receiver.all.count,
                    "every request the receiver saw is a recorded attempt: no delivery was sent by both nodes")
        }
    }
}
