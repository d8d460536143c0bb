import Foundation
import Testing

/// `keyward webhooks …` against a real `keyward serve`: the dispatcher runs inside serve and
/// records its attempts even when nothing listens at the receiver's address.
@Suite("keyward webhooks commands", .serialized, .timeLimit(.minutes(3)))
struct WebhookCLITests {
    @Test("create, list, show, pause, resume, deliveries and delete")
    func commands() throws {
        let directory = try temporaryDirectory()
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path,
                                       environment: ["KEYWARD_WEBHOOK_TIMEOUT_MS": "1000", "KEYWARD_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"])
        defer { server.stop() }
        let admin = try #require(server.bootstrapKey)
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]
        // Port 9 (discard) has no listener here: every attempt is refused.
        let receiver = "http://127.0.0.1:9/keyward-hook"

        let created = try keyward(["webhooks", "create", "--url", receiver, "--events", "key.created,key.revoked", "--owner", "payments", "--json"],
                                  environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.object["id"] as? String)
        let secret = try #require(created.object["secret"] as? String)
        #expect(secret.hasPrefix("whsec_") && created.object["events"] as? [String] == ["key.created", "key.revoked"])

        let bad = try keyward(["webhooks", "create", "--url", receiver, "--events", "key.exploded"], environment: env)
        #expect(bad.status == 2 && bad.stderr.contains("unknown event type"))

        let table = try keyward(["webhooks", "list"], environment: env)
        #expect(table.status == 0 && table.stdout.contains(id) && table.stdout.contains("key.created,key.revoked") && !table.stdout.contains(secret))
        let shown = try keyward(["webhooks", "show", id, "--json"], environment: env)
        #expect(shown.object["owner"] as? String == "payments" && shown.object["secret"] == nil)

        let issued = try keyward(["keys", "create", "--name", "billing", "--owner", "payments", "--json"], environment: env)
        #expect(issued.status == 0, "\(issued.stderr)")
        // The dispatcher in `serve` tries the receiver (nothing listens) and records the attempt.
        let deadline = Date().addingTimeInterval(60)
        var deliveries: [[String: Any]] = []
        while Date() < deadline {
            let listed = try keyward(["webhooks", "deliveries", id, "--json"], environment: env)
            deliveries = listed.object["deliveries"] as? [[String: Any]] ?? []
            if let first = deliveries.first, (first["attempts"] as? Int ?? 0) >= 1 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let delivery = try #require(deliveries.first)
        #expect(delivery["event_type"] as? String == "key.created" && delivery["state"] as? String == "pending")
        #expect((delivery["attempts"] as? Int ?? 0) >= 1 && delivery["last_error"] as? String != nil && delivery["next_attempt_at"] as? String != nil)
        let history = delivery["history"] as? [[String: Any]] ?? []
        #expect(!history.isEmpty && history[0]["status"] == nil)
        let payload = delivery["payload"] as? [String: Any] ?? [:]
        #expect(payload["type"] as? String == "key.created" && (payload["data"] as? [String: Any])?["owner"] as? String == "payments")
        let plaintext = issued.object["key"] as? String ?? "missing"
        let deliveriesTable = try keyward(["webhooks", "deliveries", id], environment: env)
        #expect(deliveriesTable.status == 0 && deliveriesTable.stdout.contains("key.created") && deliveriesTable.stdout.contains("pending"))
        #expect(!deliveriesTable.stdout.contains(plaintext))

        let paused = try keyward(["webhooks", "pause", id, "--json"], environment: env)
        #expect(paused.object["paused"] as? Bool == true)
        let resumed = try keyward(["webhooks", "resume", id, "--json"], environment: env)
        #expect(resumed.object["paused"] as? Bool == false)

        let deleted = try keyward(["webhooks", "delete", id], environment: env)
        #expect(deleted.status == 0 && deleted.stdout.contains("deleted \(id)"))
        let gone = try keyward(["webhooks", "show", id], environment: env)
        #expect(gone.status == 2 && gone.stderr.contains("404"))
        let audit = try keyward(["audit", "list", "--json"], environment: env)
        #expect(audit.stdout.contains("webhook.created") && audit.stdout.contains("webhook.deleted") && !audit.stdout.contains(secret))
    }
}
