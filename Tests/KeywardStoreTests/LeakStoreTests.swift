import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

/// `KeyService.respondToLeaks` on both databases: several reports in one transaction.
@Suite("Leak response in the store", .timeLimit(.minutes(2)))
struct LeakStoreTests {
    static func sighting(_ key: PlaintextKey, url: String) -> LeakSighting {
        LeakSighting(hash: key.hash, tokenType: "keyward_api_key", url: url, source: "content")
    }

    @Test("reports batched together: each live key revoked once, later mentions already revoked, expired keys left alone", arguments: TestDatabase.available)
    func batchedReports(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let shared = try await fixture.service.issue(IssueRequest(name: "shared", owner: "team-a"), by: fixture.admin)
            let own = try await fixture.service.issue(IssueRequest(name: "own", owner: "team-b", scopes: ["keyward:admin"]), by: fixture.admin)
            let brief = try await fixture.service.issue(IssueRequest(name: "brief", owner: "team-c", ttlSeconds: 60), by: fixture.admin)
            let disabled = try await fixture.service.issue(IssueRequest(name: "disabled", owner: "team-d"), by: fixture.admin)
            _ = try await fixture.service.setDisabled(id: disabled.record.id, true, by: fixture.admin)
            fixture.clock.advance(seconds: 120)
            let unknown = KeyFormat.default.generate(environment: "live")
            let first = LeakReportBatch(
                sightings: [Self.sighting(shared.plaintext, url: "u1"), Self.sighting(unknown, url: "u2"), Self.sighting(shared.plaintext, url: "u3")],
                reporter: LeakReporter(name: "github")
            )
            let second = LeakReportBatch(
                sightings: [Self.sighting(shared.plaintext, url: "u4"), Self.sighting(own.plaintext, url: "u5"),
                            Self.sighting(brief.plaintext, url: "u6"), Self.sighting(disabled.plaintext, url: "u7")],
                reporter: LeakReporter(name: "ci", address: "192.0.2.7")
            )
            let outcomes = try await fixture.service.respondToLeaks([first, second], action: .revoke)
            #expect(outcomes[0] == [.revoked(shared.record.id), .unknown, .revoked(shared.record.id)])
            #expect(outcomes[1] == [.alreadyRevoked(shared.record.id), .revoked(own.record.id), .inactive(brief.record.id), .revoked(disabled.record.id)])
            for id in [shared.record.id, own.record.id, disabled.record.id] {
                #expect(try await fixture.service.key(id: id).state == .revoked)
            }
            #expect(try await fixture.service.key(id: own.record.id).revokeReason == "leaked: reported by ci")
            let events = try await fixture.store.auditEvents(limit: 100)
            #expect(events.filter { $0.action == "key.leaked" }.map(\.subjectID).sorted() == [shared.record.id, own.record.id, disabled.record.id].map(\.description).sorted())
            #expect(events.filter { $0.action == "key.revoked" }.count == 3)
            #expect(events.filter { $0.action == "finding.opened" }.count == 3)
            #expect(events.first { $0.action == "key.leaked" && $0.subjectID == own.record.id.description }?.details["source_address"] == "192.0.2.7")
            let findings = try await fixture.store.governanceRead { sql in try await sql.findings(source: .leak) }
            #expect(findings.count == 3)
            #expect(findings.allSatisfy { $0.rule == LeakFinding.rule && $0.severity == .critical && $0.state == .open })
            #expect(try await fixture.store.verifyAuditChain().problem == nil)

            // Nothing live left: a repeat changes nothing and writes nothing.
            let before = try await fixture.store.auditEvents(limit: 1).first?.sequence
            let again = try await fixture.service.respondToLeaks([first], action: .revoke)
            #expect(again[0] == [.alreadyRevoked(shared.record.id), .unknown, .alreadyRevoked(shared.record.id)])
            #expect(try await fixture.store.auditEvents(limit: 1).first?.sequence == before)
        }
    }

    @Test("report only: the key stays live; a second report refreshes the finding without reopening it", arguments: TestDatabase.available)
    func reportOnly(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let key = try await fixture.service.issue(IssueRequest(name: "k", owner: "o"), by: fixture.admin)
            let report = { (url: String) in LeakReportBatch(sightings: [Self.sighting(key.plaintext, url: url)], reporter: LeakReporter(name: "github")) }
            #expect(try await fixture.service.respondToLeaks([report("first-place")], action: .report) == [[.reported(key.record.id)]])
            fixture.clock.advance(seconds: 60)
            #expect(try await fixture.service.respondToLeaks([report("second-place")], action: .report) == [[.reported(key.record.id)]])
            #expect(try await fixture.service.key(id: key.record.id).state != .revoked)
            let findings = try await fixture.store.governanceRead { sql in try await sql.findings(source: .leak) }
            #expect(findings.count == 1)
            #expect(findings.first?.message.contains("second-place") == true)
            let events = try await fixture.store.auditEvents(limit: 50)
            #expect(events.filter { $0.action == "key.leaked" }.count == 2)
            #expect(events.filter { $0.action == "finding.opened" }.count == 1)
            #expect(!events.contains { $0.action == "key.revoked" })
        }
    }

    @Test("a scanner's sighting: revoked with a leaked-key finding, and found_at of one shape in key.revoked and key.leaked whoever sent it",
          arguments: TestDatabase.available)
    func scannerSighting(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let local = try await fixture.service.issue(IssueRequest(name: "local", owner: "team-a"), by: fixture.admin)
            let remote = try await fixture.service.issue(IssueRequest(name: "remote", owner: "team-b"), by: fixture.admin)
            let places = (1...13).map { line in
                LeakLocation(file: "app/config.env", line: line, column: 9, commit: line == 1 ? String(repeating: "ab", count: 20) : nil,
                             ruleID: "keyward-api-key", fingerprint: "fp\(line)")
            }
            let fromFile = LeakSighting(hash: local.plaintext.hash, foundAt: places)
            let fromServer = LeakSighting(hash: remote.plaintext.hash, foundAt: [places[1]], locationsFound: 4)
            #expect(fromFile.locations.count == LeakSighting.maximumLocations && fromFile.locationsFound == 13)
            #expect(fromFile.url == "app/config.env:1:9@abababababab" && fromFile.source == "commit" && fromFile.tokenType == "keyward-api-key")
            #expect(fromServer.url == "app/config.env:2:9" && fromServer.source == "content")

            let byFile = try await fixture.service.respondToLeaks(
                [LeakReportBatch(sightings: [fromFile], reporter: .scanner(actor: "scanner"))], action: .revoke)
            // A deployment that only reports leaks still revokes what `scan --revoke` asks for: the caller passes the action.
            let byServer = try await fixture.service.respondToLeaks(
                [LeakReportBatch(sightings: [fromServer], reporter: .scanner(actor: "key_writer", address: "192.0.2.9"))], action: .revoke)
            #expect(byFile == [[.revoked(local.record.id)]] && byServer == [[.revoked(remote.record.id)]])
            #expect(try await fixture.service.key(id: local.record.id).revokeReason == "leaked: reported by keyward-scan")

            let events = try await fixture.store.auditEvents(limit: 100)
            func event(_ action: String, _ id: KeyID) -> AuditEvent? {
                events.first { $0.action == action && $0.subjectID == id.description }
            }
            for action in ["key.revoked", "key.leaked"] {
                let file = try #require(event(action, local.record.id))
                let server = try #require(event(action, remote.record.id))
                #expect(file.actor == "scanner" && server.actor == "key_writer")
                var serverKeys = Set(server.details.keys)
                #expect(serverKeys.remove("source_address") != nil, "the server's event names the address the request came from")
                #expect(Set(file.details.keys) == serverKeys, "\(action): one shape whichever way the scanner's leak arrived")
                guard case .object(let foundAt)? = file.details["found_at"] else {
                    Issue.record("\(action) has no found_at: \(file.details)")
                    continue
                }
                #expect(foundAt["file"] == "app/config.env" && foundAt["line"] == 1 && foundAt["commit"] == .string(String(repeating: "ab", count: 20)))
                #expect(foundAt["locations_found"] == 13 && foundAt["detected_by"] == "keyward scan")
                #expect(foundAt["also_found_at"] == .array((2...11).map { .string("app/config.env:\($0)") }))
                guard case .object(let remoteFoundAt)? = server.details["found_at"] else {
                    Issue.record("\(action) through the server has no found_at")
                    continue
                }
                #expect(remoteFoundAt["locations_found"] == 4 && remoteFoundAt["also_found_at"] == nil)
            }
            #expect(event("key.leaked", local.record.id)?.details["reporter"] == "keyward-scan")
            #expect(events.filter { $0.action == "finding.opened" }.count == 2)
            let findings = try await fixture.store.governanceRead { sql in try await sql.findings(source: .leak) }
            #expect(Set(findings.map(\.subject.id)) == [local.record.id.description, remote.record.id.description])
            #expect(findings.allSatisfy { $0.rule == LeakFinding.rule && $0.severity == .critical && $0.state == .open })
            #expect(findings.first { $0.subject.id == local.record.id.description }?.message.contains("app/config.env:1:9") == true)
            #expect(try await fixture.store.verifyAuditChain().problem == nil)
        }
    }
}
