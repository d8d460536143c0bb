import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import Testing

@Suite("Usage monitoring routes", .timeLimit(.minutes(2)))
struct UsageRouteTests {
    func verify(_ client: any TestClientProtocol, _ token: String, _ body: String, agent: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let agent { headers[.userAgent] = agent }
        return try await client.call(.post, "/v1/verify", token: token, json: body, headers: headers)
    }

    @Test("verifications are counted per hour and caller; GET /v1/keys/{id}/usage reads them back")
    func usage() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"alice"}"#)
            for _ in 0..<3 {
                _ = try await verify(client, fixture.admin, #"{"key":"\#(key)","ip":"10.1.2.3","caller":"billing-api","environment":"live"}"#)
            }
            _ = try await verify(client, fixture.admin, #"{"key":"\#(key)","ip":"10.1.2.4","required_scopes":["x:y"]}"#, agent: "curl/8.5")
            _ = try await verify(client, fixture.admin, #"{"key":"\#(key)","ip":"10.1.2.4","user_agent":"end-client/1.0"}"#, agent: "curl/8.5")
            await fixture.node.flushUsage()

            let usage = try await client.call(.get, "/v1/keys/\(id)/usage?hours=2", token: fixture.admin).decode(KeyUsageObject.self)
            #expect(usage.totals == ["VALID": 4, "INSUFFICIENT_SCOPE": 1])
            #expect(usage.buckets.count == 1 && usage.buckets[0].total == 5)
            #expect(usage.monitoring)
            #expect(usage.rotation == nil)
            let billing = try #require(usage.callers.first { $0.label == "billing-api" })
            #expect(billing.count == 3 && billing.address == "10.1.2.3" && billing.network == "10.1.2.0/24" && billing.environment == "live")
            // The header's User-Agent stands in when the body names none; the body's wins when it does.
            #expect(usage.callers.contains { $0.userAgent == "curl/8.5" && $0.validCount == 0 })
            #expect(usage.callers.contains { $0.userAgent == "end-client/1.0" && $0.validCount == 1 })
            let raw = try await client.call(.get, "/v1/keys/\(id)/usage", token: fixture.admin).json
            for field in ["key_id", "buckets", "totals", "callers", "more_callers", "caller_overflow", "rotation"] {
                #expect(raw.keys.contains(field), "field \(field)")
            }

            #expect(try await client.call(.get, "/v1/keys/\(id)/usage?hours=0", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys/\(id)/usage?hours=abc", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys/\(id)/usage?hours=100000", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/keys/key_0000000000000000000000/usage", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.get, "/v1/keys/\(id)/usage", token: nil).status == .unauthorized)
        }
    }

    @Test("bad caller fields are 400s naming the field")
    func badCallerFields() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (_, key) = try await client.issue(fixture.admin, #"{"name":"k","owner":"alice"}"#)
            let long = String(repeating: "a", count: 129)
            for (body, field) in [
                (#"{"key":"\#(key)","caller":"\#(long)"}"#, "caller"),
                (#"{"key":"\#(key)","caller":7}"#, "caller"),
                (#"{"key":"\#(key)","user_agent":["x"]}"#, "user_agent"),
                (#"{"key":"\#(key)","user_agent":"\#(String(repeating: "u", count: 257))"}"#, "user_agent"),
                (#"{"key":"\#(key)","environment":"\#(String(repeating: "e", count: 65))"}"#, "environment"),
                (#"{"key":"\#(key)","environment":true}"#, "environment"),
            ] {
                let answer = try await verify(client, fixture.admin, body)
                #expect(answer.status == .badRequest, "\(field)")
                #expect(answer.errorMessage.contains("'\(field)'"), "\(answer.errorMessage)")
            }
            // null and empty strings are "not given".
            let answer = try await verify(client, fixture.admin, #"{"key":"\#(key)","caller":null,"user_agent":"","environment":null}"#)
            #expect(answer.json["valid"] as? Bool == true)
        }
    }

    @Test("during a rotation the old key's callers are listed until they switch; safe to end after the quiet period")
    func rotation() async throws {
        try await ServerFixture.withRouter(configure: { $0.anomalies.rotationQuietSeconds = 600 }) { fixture, client in
            let (old, oldKey) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"alice"}"#)
            let rotated = try await client.call(.post, "/v1/keys/\(old)/rotate", token: fixture.admin, json: #"{"grace_seconds":86400}"#)
            let new = try #require(rotated.json["id"] as? String)
            let newKey = try #require(rotated.json["key"] as? String)
            fixture.clock.advance(seconds: 60)
            _ = try await verify(client, fixture.admin, #"{"key":"\#(oldKey)","ip":"10.0.0.7","caller":"legacy-worker"}"#)
            _ = try await verify(client, fixture.admin, #"{"key":"\#(newKey)","ip":"10.0.0.8","caller":"billing-api"}"#)
            await fixture.node.flushUsage()

            var status = try #require(try await client.call(.get, "/v1/keys/\(old)/usage", token: fixture.admin).decode(KeyUsageObject.self).rotation)
            #expect(status.oldKeyID == old && status.newKeyID == new)
            #expect(status.notYetSwitched.map(\.label) == ["legacy-worker"])
            #expect(status.switched.map(\.label) == ["billing-api"])
            #expect(!status.safeToEnd)
            #expect(status.safeAt == fixture.clock.now().adding(seconds: 600))
            #expect(status.endCommand == "keyward keys revoke \(old) --reason \"rotated to \(new)\"")
            // Asked about the new key, the same rotation is described.
            let fromNew = try await client.call(.get, "/v1/keys/\(new)/usage", token: fixture.admin).decode(KeyUsageObject.self).rotation
            #expect(fromNew?.oldKeyID == old)

            fixture.clock.advance(seconds: 601)
            status = try #require(try await client.call(.get, "/v1/keys/\(old)/usage", token: fixture.admin).decode(KeyUsageObject.self).rotation)
            #expect(status.safeToEnd)
            #expect(status.advice.contains("safe to end"))
            // A shorter quiet period can be asked for: 31 s after the last use, 30 s of quiet suffice.
            fixture.clock.advance(seconds: -601 + 31)
            let short = try await client.call(.get, "/v1/keys/\(old)/usage?quiet_seconds=30", token: fixture.admin).decode(KeyUsageObject.self)
            #expect(short.rotation?.safeToEnd == true)
            #expect(try await client.call(.get, "/v1/keys/\(old)/usage?quiet_seconds=-1", token: fixture.admin).status == .badRequest)
        }
    }

    @Test("blast radius: callers, owner, rotation, open findings and the commands, without revoking")
    func blastRadius() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"alice","scopes":["billing:read"],"environment":"live"}"#)
            _ = try await client.issue(fixture.admin, #"{"name":"other","owner":"alice"}"#)
            _ = try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"alice","kind":"person"}"#)
            _ = try await verify(client, fixture.admin, #"{"key":"\#(key)","ip":"10.0.0.7","caller":"billing-api","environment":"staging"}"#)
            await fixture.node.flushUsage()
            try await fixture.node.anomalies.detect()

            let answer = try await client.call(.get, "/v1/keys/\(id)/blast-radius", token: fixture.admin)
            let radius = try answer.decode(BlastRadiusObject.self)
            #expect(radius.key.scopes == ["billing:read"] && radius.key.status == .active)
            #expect(radius.owner.registered && radius.owner.status == .active && radius.owner.otherLiveKeys == 1)
            #expect(radius.callers.map(\.label) == ["billing-api"])
            #expect(radius.verifications == 1 && radius.validVerifications == 1)
            #expect(radius.openFindings.map(\.rule).contains("anomaly-environment-mismatch"))
            #expect(radius.commands.revokeKey.hasPrefix("keyward keys revoke \(id)"))
            #expect(radius.commands.offboardOwner.hasPrefix("keyward owners offboard alice"))
            #expect(radius.days == 30)
            // Nothing was revoked.
            #expect(try await client.verify(fixture.admin, key)["valid"] as? Bool == true)
            #expect(try await client.call(.get, "/v1/keys/\(id)/blast-radius?days=0", token: fixture.admin).status == .badRequest)
        }
    }

    @Test("each anomaly opens a finding with anomaly.detected and finding.opened events; usual traffic opens none")
    func anomalies() async throws {
        try await ServerFixture.withRouter(configure: { configuration in
            configuration.anomalies.learningPeriodSeconds = 3600
            configuration.anomalies.guessingPerHour = 5
            configuration.anomalies.spikeFactor = 3
            configuration.anomalies.spikeMinimumPerHour = 10
            configuration.anomalies.baselineHours = 2
        }) { fixture, client in
            let node = fixture.node
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"alice","environment":"live"}"#)
            _ = try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"alice","kind":"person"}"#)
            let usual = #"{"key":"\#(key)","ip":"10.1.2.3","caller":"billing-api","environment":"live"}"#
            func round(_ bodies: [String]) async throws -> [Anomaly] {
                for body in bodies { _ = try await verify(client, fixture.admin, body) }
                await node.flushUsage()
                return try await node.anomalies.detect()
            }
            #expect(try await round([usual, usual]).isEmpty)
            fixture.clock.advance(seconds: 7200)
            #expect(try await round([usual, usual, "{\"key\":\"kw_live_nope\",\"ip\":\"203.0.113.9\"}"]).isEmpty)

            fixture.clock.advance(seconds: 3600)
            let unusual = Array(repeating: usual, count: 30) + [
                #"{"key":"\#(key)","ip":"198.51.100.7","caller":"billing-api","environment":"live"}"#,
                #"{"key":"\#(key)","ip":"10.1.2.3","caller":"billing-api","environment":"staging"}"#,
            ] + (0..<6).map { _ in "{\"key\":\"kw_live_nope\",\"ip\":\"203.0.113.9\"}" }
            let found = try await round(unusual)
            #expect(Set(found.map(\.kind)) == [.usageSpike, .newNetwork, .environmentMismatch, .keyGuessing])
            // Seen again while open: no new finding, no new event.
            #expect(try await round(unusual).isEmpty)

            _ = try await client.call(.post, "/v1/owners/alice/depart", token: fixture.admin)
            fixture.clock.advance(seconds: 1)
            #expect(try await round([usual]).map(\.kind) == [.departedOwnerUse])

            let findings = try await client.call(.get, "/v1/findings?subject=\(id)", token: fixture.admin).decode(FindingListObject.self).findings
            #expect(Set(findings.map(\.rule)).isSuperset(of: ["anomaly-usage-spike", "anomaly-new-network", "anomaly-environment-mismatch",
                                                             "anomaly-departed-owner-use"]))
            #expect(findings.allSatisfy { $0.state == .open })
            let audit = try await client.call(.get, "/v1/audit?limit=200", token: fixture.admin)
            let events = (audit.json["events"] as? [[String: Any]]) ?? []
            let detected = events.filter { $0["action"] as? String == "anomaly.detected" }
            #expect(detected.count == 5)
            #expect(events.filter { $0["action"] as? String == "finding.opened" && ($0["details"] as? [String: Any])?["source"] as? String == "anomaly" }.count == 5)
            #expect(!audit.text.contains(key))
            let guessing = try #require(detected.first { ($0["details"] as? [String: Any])?["rule"] as? String == "anomaly-key-guessing" })
            #expect(guessing["subject_id"] as? String == "203.0.113.9")
        }
    }
}
