import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import Testing

/// `POST /v1/leaks/revoke`: `keyward scan --revoke` through a server gets the leak response of a
/// leak report — revoked, a critical `leaked-key` finding, `key.leaked` — in one transaction.
@Suite("Scanner leaks: POST /v1/leaks/revoke", .timeLimit(.minutes(2)))
struct ScannerLeakRouteTests {
    static func place(_ line: Int, commit: String? = nil) -> LeakLocation {
        LeakLocation(file: "src/app.env", line: line, column: 7, commit: commit, ruleID: "keyward-api-key", fingerprint: "fp-\(line)")
    }

    static func body(_ leaks: [LeakRevokeItem]) throws -> String {
        String(decoding: try JSONEncoder().encode(LeakRevokeBody(leaks: leaks)), as: UTF8.self)
    }

    static func item(_ key: String, _ places: [LeakLocation] = [place(3)], found: Int? = nil) -> LeakRevokeItem {
        LeakRevokeItem(tokenHash: sha256Hex(key), locations: places, locationsFound: found)
    }

    @Test("a write credential's scan revokes every live key (whatever leak_action says), opens its finding and writes key.leaked with where it was found")
    func revokesLikeAReport() async throws {
        try await LeakFixture.withRouter(signers: [GitHubSigner()], configure: { $0.leaks.action = .report }) { fixture, client in
            let writer = try await client.issue(fixture.admin, #"{"name":"ci scanner","owner":"ci","scopes":["keyward:write"]}"#)
            let live = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let administrator = try await client.issue(fixture.admin, #"{"name":"ops admin","owner":"ops","scopes":["keyward:admin"]}"#)
            let disabled = try await client.issue(fixture.admin, #"{"name":"paused","owner":"team-pay"}"#)
            #expect(try await client.call(.post, "/v1/keys/\(disabled.id)/disable", token: fixture.admin).status == .ok)
            let brief = try await client.issue(fixture.admin, #"{"name":"brief","owner":"team-pay","ttl_seconds":60}"#)
            fixture.clock.advance(seconds: 120)
            let stranger = KeyFormat.default.generate(environment: "live").reveal()
            let commit = String(repeating: "c0ffee", count: 6) + "abcd"
            let json = try Self.body([
                Self.item(live.key, [Self.place(3, commit: commit), Self.place(9)], found: 5),
                Self.item(administrator.key), Self.item(disabled.key), Self.item(brief.key), Self.item(stranger),
            ])

            let answer = try await client.call(.post, "/v1/leaks/revoke", token: writer.key, json: json)
            #expect(answer.status == .ok, "\(answer.text)")
            let result = try answer.decode(LeakRevokeResult.self)
            #expect(result.leaks.map(\.action) == [.revoked, .revoked, .revoked, .inactive, .none])
            #expect(result.leaks.map { $0.keyID?.description } == [live.id, administrator.id, disabled.id, brief.id, nil])
            #expect(result.leaks.map(\.tokenHash) == [live.key, administrator.key, disabled.key, brief.key, stranger].map(sha256Hex))
            for key in [live.key, administrator.key, disabled.key] {
                #expect(try await client.verify(fixture.admin, key)["code"] as? String == "REVOKED")
            }

            let findings = try await client.leakFindings(fixture.admin)
            let subjects = findings.findings.compactMap { ($0["subject"] as? [String: Any])?["id"] as? String }
            #expect(Set(subjects) == [live.id, administrator.id, disabled.id])
            #expect(findings.findings.allSatisfy { $0["severity"] as? String == "critical" && $0["state"] as? String == "open" })
            let message = findings.findings.first { ($0["subject"] as? [String: Any])?["id"] as? String == live.id }?["message"] as? String ?? ""
            #expect(message.contains("src/app.env:3:7@c0ffeec0ffee") && message.contains("keyward-scan"), "\(message)")

            let audit = try await client.auditEvents(fixture.admin)
            func events(_ action: String) -> [[String: Any]] { audit.events.filter { $0["action"] as? String == action } }
            #expect(Set(events("key.leaked").compactMap { $0["subject_id"] as? String }) == [live.id, administrator.id, disabled.id])
            #expect(events("finding.opened").count == 3)
            for action in ["key.leaked", "key.revoked"] {
                let event = try #require(events(action).first { $0["subject_id"] as? String == live.id })
                #expect(event["actor"] as? String == writer.id, "the credential that sent the scan is the actor")
                let foundAt = try #require((event["details"] as? [String: Any])?["found_at"] as? [String: Any], "\(action) records where")
                #expect(foundAt["file"] as? String == "src/app.env" && foundAt["line"] as? Int == 3 && foundAt["commit"] as? String == commit)
                #expect(foundAt["locations_found"] as? Int == 5 && foundAt["also_found_at"] as? [String] == ["src/app.env:9"])
            }
            let leaked = try #require(events("key.leaked").first { $0["subject_id"] as? String == live.id }?["details"] as? [String: Any])
            #expect(leaked["reporter"] as? String == "keyward-scan" && leaked["action"] as? String == "revoked")
            #expect(leaked["url"] as? String == "src/app.env:3:7@c0ffeec0ffee" && leaked["source"] as? String == "commit")
            // The revocation, its leak event and its finding commit together.
            let sequences = audit.events.filter {
                ["key.revoked", "key.leaked", "finding.opened"].contains($0["action"] as? String) && $0["actor"] as? String == writer.id
            }.compactMap { $0["seq"] as? Int }
            #expect(sequences.count == 9 && sequences.max()! - sequences.min()! == 8)

            // Sent again: nothing left to do, nothing written.
            let again = try await client.call(.post, "/v1/leaks/revoke", token: writer.key, json: json).decode(LeakRevokeResult.self)
            #expect(again.leaks.map(\.action) == [.alreadyRevoked, .alreadyRevoked, .alreadyRevoked, .inactive, .none])
            #expect(try await client.auditEvents(fixture.admin).events.count == audit.events.count)
            #expect(try await client.call(.get, "/v1/audit/verify", token: fixture.admin).json["intact"] as? Bool == true)
            for secret in [live.key, administrator.key, disabled.key] {
                #expect(!audit.text.contains(secret) && !findings.text.contains(secret) && !fixture.log.text.contains(secret))
            }
        }
    }

    @Test("a credential without keyward:write, and malformed bodies, are refused and change nothing")
    func refusals() async throws {
        try await LeakFixture.withRouter(signers: [GitHubSigner()]) { fixture, client in
            let reader = try await client.issue(fixture.admin, #"{"name":"reader","owner":"ci","scopes":["keyward:read"]}"#)
            let live = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let good = try Self.body([Self.item(live.key)])
            #expect(try await client.call(.post, "/v1/leaks/revoke", token: nil, json: good).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/leaks/revoke", token: reader.key, json: good).status == .forbidden)

            let hash = sha256Hex(live.key)
            let place = #"{"file":"a.env","line":1,"column":1,"rule_id":"keyward-api-key","fingerprint":"f"}"#
            let eleven = Array(repeating: place, count: LeakSighting.maximumLocations + 1).joined(separator: ",")
            let many = Array(repeating: #"{"token_hash":"\#(hash)","locations":[\#(place)]}"#, count: LeakRevokeBody.maximumCount + 1).joined(separator: ",")
            let bad: [(String, String)] = [
                ("{}", "leaks"),
                (#"{"leaks":[]}"#, "1-1000"),
                (#"{"leaks":[\#(many)]}"#, "1-1000"),
                (#"{"leaks":[{"token_hash":"abc","locations":[\#(place)]}]}"#, "token_hash"),
                (#"{"leaks":[{"token":"\#(live.key)","locations":[\#(place)]}]}"#, "unknown field 'token'"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[]}]}"#, "locations"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[\#(eleven)]}]}"#, "locations"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[\#(place)],"locations_found":0}]}"#, "locations_found"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[\#(place)],"note":"x"}]}"#, "unknown field 'note'"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":1,"column":1,"rule_id":"r","fingerprint":"f","comit":"ab12"}]}]}"#, "unknown field 'comit'"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":1,"column":1,"rule_id":"r","fingerprint":"f","commit":"not-hex"}]}]}"#, "commit"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":0,"column":1,"rule_id":"r","fingerprint":"f"}]}]}"#, "line"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"","line":1,"column":1,"rule_id":"r","fingerprint":"f"}]}]}"#, "file"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":1,"column":1,"rule_id":"","fingerprint":"f"}]}]}"#, "rule_id"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":1,"column":1,"fingerprint":"f"}]}]}"#, "rule_id"),
                (#"{"leaks":[{"token_hash":"\#(hash)","locations":[{"file":"a","line":"1","column":1,"rule_id":"r","fingerprint":"f"}]}]}"#, "line"),
            ]
            for (json, mention) in bad {
                let answer = try await client.call(.post, "/v1/leaks/revoke", token: fixture.admin, json: json)
                #expect(answer.status == .badRequest, "\(json.prefix(120)): \(answer.status) \(answer.text)")
                #expect(answer.errorMessage.contains(mention), "\(json.prefix(120)): \(answer.errorMessage)")
            }
            #expect(try await client.verify(fixture.admin, live.key)["code"] as? String == "VALID")
            #expect(try await client.auditEvents(fixture.admin).events.allSatisfy { $0["action"] as? String != "key.leaked" })
        }
    }
}
