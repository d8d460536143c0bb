import Foundation
import HummingbirdTesting
import KeywardCore
import KeywardServer
import Testing

/// `/v1/webhooks` through the router: validation, scopes, the secret shown once, visibility.
@Suite("Webhook routes")
struct WebhookRouteTests {
    static let valid = #"{"url":"https://hooks.example.com/keyward","events":["key.revoked","key.leaked"]}"#

    @Test("bad subscription input is refused with 400 and a message naming the problem")
    func badInput() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let cases: [(String, String)] = [
                (#"{"url":"ftp://example.com/x","events":["key.revoked"]}"#, "http or https"),
                (#"{"url":"https:///nohost","events":["key.revoked"]}"#, "http or https"),
                (#"{"url":"not a url","events":["key.revoked"]}"#, "http or https"),
                (#"{"url":"https://user:pw@example.com/","events":["key.revoked"]}"#, "password"),
                (#"{"url":"https://example.com/#x","events":["key.revoked"]}"#, "fragment"),
                ("{\"url\":\"https://example.com/\(String(repeating: "a", count: 2100))\",\"events\":[\"key.revoked\"]}", "2048"),
                (#"{"url":"https://example.com/","events":["key.exploded"]}"#, "unknown event type"),
                (#"{"url":"https://example.com/","events":[]}"#, "at least one"),
                (#"{"url":"https://example.com/","events":["key.revoked","key.revoked"]}"#, "twice"),
                (#"{"url":"https://example.com/","events":"key.revoked"}"#, "events"),
                (#"{"url":"https://example.com/","events":["key.revoked"],"secret":"whsec_mine"}"#, "unknown field"),
                (#"{"events":["key.revoked"]}"#, "url"),
                (#"{"url":"https://example.com/","events":["key.revoked"],"owner":""}"#, "owner"),
                ("[1,2]", "object"),
                ("{", "JSON"),
            ]
            for (body, fragment) in cases {
                let answer = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: body)
                #expect(answer.status == .badRequest, "\(body.prefix(80)) → \(answer.status)")
                #expect(answer.errorMessage.contains(fragment), "\(body.prefix(80)): \(answer.errorMessage)")
            }
            let listed = try await client.call(.get, "/v1/webhooks", token: fixture.admin)
            #expect((listed.json["webhooks"] as? [Any])?.isEmpty == true, "nothing was created")
            let patch = try await client.call(.patch, "/v1/webhooks/whk_0000000000000000000000", token: fixture.admin, json: #"{"paused":"yes"}"#)
            #expect(patch.status == .badRequest)
            #expect(try await client.call(.get, "/v1/webhooks/whk_0000000000000000000000", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.get, "/v1/webhooks/../etc", token: fixture.admin).status == .notFound)
        }
    }

    @Test("scopes: read lists, write changes, nothing without a credential")
    func scopes() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let reader = try await client.issue(fixture.admin, #"{"name":"reader","owner":"ops","scopes":["keyward:read"]}"#).key
            #expect(try await client.call(.post, "/v1/webhooks", token: nil, json: Self.valid).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/webhooks", token: reader, json: Self.valid).status == .forbidden)
            #expect(try await client.call(.get, "/v1/webhooks", token: reader).status == .ok)
            #expect(try await client.call(.get, "/v1/webhooks", token: nil).status == .unauthorized)
        }
    }

    @Test("the secret is shown once, stored for signing, never listed or audited")
    func secretShownOnce() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let created = try await client.call(.post, "/v1/webhooks", token: fixture.admin, json: Self.valid)
            #expect(created.status == .created)
            let secret = try #require(created.json["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            _ = try WebhookSignature(secret: secret)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["events"] as? [String] == ["key.leaked", "key.revoked"])
            let listed = try await client.call(.get, "/v1/webhooks", token: fixture.admin)
            let shown = try await client.call(.get, "/v1/webhooks/\(id)", token: fixture.admin)
            let audit = try await client.call(.get, "/v1/audit?limit=10", token: fixture.admin)
            for answer in [listed, shown, audit] {
                #expect(answer.status == .ok)
                #expect(!answer.text.contains(secret) && !answer.text.contains("whsec_"))
            }
            #expect(audit.text.contains("webhook.created") && audit.text.contains("https://hooks.example.com"))
            #expect(!audit.text.contains("/keyward"), "the audit event names the URL's origin, not its path")

            let paused = try await client.call(.patch, "/v1/webhooks/\(id)", token: fixture.admin, json: #"{"paused":true}"#)
            #expect(paused.status == .ok && paused.json["paused"] as? Bool == true)
            let deliveries = try await client.call(.get, "/v1/webhooks/\(id)/deliveries?state=pending", token: fixture.admin)
            #expect(deliveries.status == .ok && (deliveries.json["deliveries"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/v1/webhooks/\(id)/deliveries?state=lost", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/webhooks/\(id)/deliveries?limit=0", token: fixture.admin).status == .badRequest)
            #expect(try await client.call(.get, "/v1/webhooks/\(id)/deliveries?cursor=zz", token: fixture.admin).status == .badRequest)
            let redeliver = try await client.call(.post, "/v1/webhooks/\(id)/deliveries/msg_0000000000000000000000/redeliver", token: fixture.admin)
            #expect(redeliver.status == .notFound)
            #expect(try await client.call(.delete, "/v1/webhooks/\(id)", token: fixture.admin).status == .ok)
            #expect(try await client.call(.get, "/v1/webhooks/\(id)", token: fixture.admin).status == .notFound)
            #expect(try await client.call(.delete, "/v1/webhooks/\(id)", token: fixture.admin).status == .notFound)
        }
    }
}
