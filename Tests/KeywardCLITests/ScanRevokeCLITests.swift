import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import Testing

/// `keyward scan --revoke` gives a leak it finds keyward's one leak response — revoked, a
/// critical `leaked-key` finding, `key.leaked` (so webhooks fire) — whether it works on the
/// database file (`--db`) or through a server (`KEYWARD_ADDR`, `KEYWARD_TOKEN`).
@Suite("keyward scan --revoke responds to a leak as a leak report does", .serialized, .timeLimit(.minutes(3)))
struct ScanRevokeCLITests {
    /// Writes `files` (name → text) into a new directory and returns its path.
    static func repository(in directory: URL, _ name: String, _ files: [String: String]) throws -> String {
        let repository = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        for (file, text) in files { try text.write(to: repository.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        return repository.path
    }

    @Test("--db and through a server: each leak is revoked with a finding, key.leaked of one shape, and a webhook delivery")
    func bothWays() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("keyward.db").path
        let server = try ServerProcess(database: db, environment: ["KEYWARD_WEBHOOK_TIMEOUT_MS": "1000", "KEYWARD_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"])
        defer { server.stop() }
        let admin = try #require(server.bootstrapKey)
        let client = try KeywardClient(baseURL: server.address, token: admin)
        // Port 9 (discard) has no listener: deliveries stay in the outbox, which is what is checked.
        let webhook = try await client.createWebhook(WebhookCreateBody(url: "http://127.0.0.1:9/keyward-hook", events: ["key.leaked"]))
        let scanner = try await client.createKey(IssueRequest(name: "ci scanner", owner: "ci", scopes: ["keyward:read", "keyward:write"]))
        let viaFile = try await client.createKey(IssueRequest(name: "file leak", owner: "team-a"))
        let viaServer = try await client.createKey(IssueRequest(name: "server leak", owner: "team-b"))

        // --db: the scan writes to the database file itself; the running server shares it.
        let local = try Self.repository(in: directory, "local", ["settings.env": "API_KEY=\(viaFile.key)\n", "notes.txt": "\n\nkey: \(viaFile.key)\n"])
        let fileScan = try keyward(["scan", local, "--db", db, "--revoke", "--format", "json", "--no-progress"])
        #expect(fileScan.status == 1, "findings reported: \(fileScan.stderr)")
        #expect(fileScan.stderr.contains("revoked \(viaFile.object.id)") && fileScan.stderr.contains("1 more place"), "\(fileScan.stderr)")
        let fileFindings = try #require(fileScan.json as? [[String: Any]], "\(fileScan.stdout)")
        #expect(fileFindings.count == 2 && fileFindings.allSatisfy { $0["inventory_key_id"] as? String == viaFile.object.id && $0["status"] as? String == "revoked" })

        // Through the server, with a credential that may read and write keys.
        let remote = try Self.repository(in: directory, "remote", ["config.yml": "token: \(viaServer.key)\n"])
        let serverScan = try keyward(["scan", remote, "--revoke", "--format", "json", "--no-progress"],
                                     environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": scanner.key])
        #expect(serverScan.status == 1, "findings reported: \(serverScan.stderr)")
        #expect(serverScan.stderr.contains("revoked \(viaServer.object.id)") && serverScan.stderr.contains("via server"), "\(serverScan.stderr)")
        let serverFindings = try #require(serverScan.json as? [[String: Any]], "\(serverScan.stdout)")
        #expect(serverFindings.first?["status"] as? String == "revoked" && serverFindings.first?["inventory_key_id"] as? String == viaServer.object.id)

        // Both keys stop working (the file's revocation reaches the server through its change feed).
        try await eventually { try await client.verify(key: viaFile.key).code == .revoked }
        #expect(try await client.verify(key: viaServer.key).code == .revoked)

        let findings = try await client.findings(rule: LeakFinding.rule).findings
        #expect(Set(findings.map(\.subject.id)) == [viaFile.object.id, viaServer.object.id])
        #expect(findings.allSatisfy { $0.severity == .critical && $0.state == .open })

        let events = try await client.auditEvents(limit: 200).events
        func event(_ action: String, _ id: String) -> AuditEvent? { events.first { $0.action == action && $0.subjectID == id } }
        for action in ["key.leaked", "key.revoked"] {
            let fromFile = try #require(event(action, viaFile.object.id), "\(action) after scan --db")
            let fromServer = try #require(event(action, viaServer.object.id), "\(action) after scan through the server")
            #expect(fromFile.actor == "scanner" && fromServer.actor == scanner.object.id)
            var serverKeys = Set(fromServer.details.keys)
            serverKeys.remove("source_address")
            #expect(Set(fromFile.details.keys) == serverKeys, "\(action) has one shape: \(fromFile.details.keys.sorted()) vs \(serverKeys.sorted())")
            guard case .object(let foundAt)? = fromFile.details["found_at"], case .object(let remoteFoundAt)? = fromServer.details["found_at"] else {
                Issue.record("\(action) does not record where the key was found")
                continue
            }
            #expect(foundAt["locations_found"] == 2 && foundAt["detected_by"] == "keyward scan" && foundAt["rule_id"] == "keyward-api-key")
            #expect(remoteFoundAt["file"]?.stringValue?.hasSuffix("config.yml") == true && remoteFoundAt["line"] == 1)
        }
        #expect(event("key.leaked", viaServer.object.id)?.details["reporter"] == "keyward-scan")
        #expect(events.filter { $0.action == "finding.opened" }.count == 2)
        #expect(try await client.verifyAudit().intact)

        // Webhooks fire from key.leaked: the dispatcher queues one delivery per leak.
        var deliveries: [WebhookDelivery] = []
        try await eventually(seconds: 30) {
            deliveries = try await client.webhookDeliveries(id: webhook.subscription.id).deliveries
            return deliveries.count >= 2
        }
        #expect(Set(deliveries.map(\.subject)) == [viaFile.object.id, viaServer.object.id])
        #expect(deliveries.allSatisfy { $0.eventType == "key.leaked" })

        for secret in [viaFile.key, viaServer.key, scanner.key] {
            for output in [fileScan.stdout, fileScan.stderr, serverScan.stdout, serverScan.stderr] { #expect(!output.contains(secret)) }
            #expect(!"\(events)".contains(secret) && !"\(deliveries)".contains(secret))
        }
    }
}
