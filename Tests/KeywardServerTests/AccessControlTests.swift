import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import NIOCore
import NIOPosix
import Testing

/// The access-control gaps an adversarial review found: a dashboard session must carry its key's
/// restrictions, the last administrator cannot lock everyone out, the dashboard's sign-in rule is
/// the one the documents state, and owner handles match in any case everywhere.
@Suite("access control")
struct AccessControlTests {
    @Test("the last active admin key cannot be revoked or disabled through the API, one by one or by owner")
    func lastAdminOverTheAPI() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let adminID = try #require(try await fixture.node.store.key(hash: KeyHash(of: fixture.admin))?.id)
            for path in ["/v1/keys/\(adminID)/revoke", "/v1/keys/\(adminID)/disable"] {
                let answer = try await client.call(.post, path, token: fixture.admin)
                #expect(answer.status == .conflict, "\(path): \(answer.text)")
                #expect(answer.errorMessage.contains("last active key with keyward:admin"), "\(answer.errorMessage)")
            }
            let bulk = try await client.call(.post, "/v1/revocations", token: fixture.admin, json: #"{"owner":"KEYWARD-ADMIN"}"#)
            #expect(bulk.status == .conflict, "\(bulk.text)")
            #expect(try await client.verify(fixture.admin, fixture.admin)["code"] as? String == "VALID")
            // With a second admin, the first may go.
            let second = try await client.issue(fixture.admin, #"{"name":"second","owner":"sec","scopes":["keyward:admin"]}"#)
            #expect(try await client.call(.post, "/v1/keys/\(adminID)/revoke", token: second.key).status == .ok)
            #expect(try await client.call(.post, "/v1/keys/\(second.id)/disable", token: second.key).status == .conflict)
        }
    }

    @Test("the dashboard refuses to revoke the last active admin key too")
    func lastAdminOnTheDashboard() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let adminID = try #require(try await fixture.node.store.key(hash: KeyHash(of: fixture.admin))?.id)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let csrf = try await agent.csrf()
            for action in ["revoke", "disable"] {
                let answer = try await agent.post("/ui/keys/\(adminID)/\(action)", form: [("csrf", csrf), ("confirm", "yes"), ("reason", "oops")])
                #expect(answer.status == .conflict, "\(action): \(answer.status)")
                #expect(answer.text.contains("last active key with keyward:admin"))
            }
            #expect(try await agent.get("/ui/").status == .ok, "still signed in")
        }
    }

    @Test("a keyward:write key alone cannot sign in to the dashboard, and is told keyward:read is needed")
    func writeOnlySignIn() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (_, writer) = try await client.issue(fixture.admin, #"{"name":"ci","owner":"ci","scopes":["keyward:write"]}"#)
            let agent = DashboardAgent(client)
            let answer = try await agent.signIn(writer)
            #expect(answer.status == .unauthorized)
            #expect(agent.cookies["keyward_session"] == nil)
            #expect(answer.text.contains("keyward:read"))
            #expect(!answer.text.contains("keyward:write or"), "the page must not say keyward:write is enough")
            let (_, both) = try await client.issue(fixture.admin, #"{"name":"ops","owner":"ops","scopes":["keyward:read","keyward:write"]}"#)
            #expect(try await agent.signIn(both).status == .seeOther)
        }
    }

    @Test("a dashboard session spends its key's rate limit")
    func sessionRateLimit() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (_, reader) = try await client.issue(fixture.admin, #"{"name":"r","owner":"o","scopes":["keyward:read"],"rate_limit":{"limit":3,"window_seconds":3600}}"#)
            let agent = DashboardAgent(client)
            #expect(try await agent.signIn(reader).status == .seeOther)
            #expect(try await agent.get("/ui/").status == .ok)
            #expect(try await agent.get("/ui/").status == .ok)
            let limited = try await agent.get("/ui/")
            #expect(limited.status == .tooManyRequests)
            #expect(agent.cookies["keyward_session"] != nil, "the session stays; the request is refused")
            fixture.clock.advance(seconds: 3600)
            #expect(try await agent.get("/ui/").status == .ok)
        }
    }

    @Test("owner handles are matched in any case by POST /v1/revocations and GET /v1/keys?owner=")
    func ownerCaseOverTheAPI() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let carol = try await client.issue(fixture.admin, #"{"name":"c","owner":"Carol.Smith"}"#)
            #expect((try await client.call(.get, "/v1/keys?owner=carol.smith", token: fixture.admin).json["keys"] as? [Any])?.count == 1)
            let answer = try await client.call(.post, "/v1/revocations", token: fixture.admin, json: #"{"owner":"carol.smith"}"#)
            #expect(answer.json["revoked"] as? Int == 1, "\(answer.text)")
            #expect(try await client.verify(fixture.admin, carol.key)["code"] as? String == "REVOKED")
        }
    }

    @Test("a dashboard session is refused from an address outside its key's allowed_cidrs")
    func sessionAllowList() async throws {
        try await ServerFixture.withLive { fixture, port in
            let issued = try await fixture.node.keys.issue(
                IssueRequest(name: "r", owner: "o", scopes: [Scope.read], allowedCIDRs: [CIDR("127.0.0.1/32")!]), by: .system("test"))
            let key = issued.plaintext.reveal()
            let cookie = try await LiveBrowser.signIn(port: port, key: key, from: "127.0.0.1")
            #expect(try await LiveBrowser.get("/ui/", port: port, cookie: cookie, from: "127.0.0.1").status == 200)
            let elsewhere = try await LiveBrowser.get("/ui/", port: port, cookie: cookie, from: "127.0.0.2")
            #expect(elsewhere.status == 403, "\(elsewhere.status) \(elsewhere.body.prefix(300))")
            #expect(elsewhere.body.contains("address"))
            // The session is not ended by the refusal: from the allowed address it still works.
            #expect(try await LiveBrowser.get("/ui/", port: port, cookie: cookie, from: "127.0.0.1").status == 200)
        }
    }
}

/// Dashboard requests over a real socket from a chosen local address (any of 127.0.0.0/8 reaches
/// a server listening on 127.0.0.1 on Linux).
enum LiveBrowser {
    static func request(_ text: String, port: Int, from address: String) async throws -> RawHTTPConnection.Answer {
        try await RawHTTPConnection.with(port: port, from: address) { connection in
            try await connection.send(text)
            return try #require(try await connection.answer())
        }
    }

    static func get(_ path: String, port: Int, cookie: String, from address: String) async throws -> RawHTTPConnection.Answer {
        try await request("GET \(path) HTTP/1.1\r\nHost: x\r\nCookie: \(cookie)\r\nConnection: close\r\n\r\n", port: port, from: address)
    }

    /// Signs in through the form and returns the session cookie (`keyward_session=…`).
    static func signIn(port: Int, key: String, from address: String) async throws -> String {
        let form = try await request("GET /ui/signin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port, from: address)
        let token = try #require(DashboardAgent.hiddenValue("signin_token", in: form.body))
        let body = "signin_token=\(token)&key=\(DashboardAgent.encode(key))"
        let answer = try await request("""
            POST /ui/signin HTTP/1.1\r\nHost: x\r\nCookie: keyward_signin=\(token)\r\nContent-Type: application/x-www-form-urlencoded\r\n\
            Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)
            """, port: port, from: address)
        #expect(answer.status == 303, "\(answer.status) \(answer.body.prefix(300))")
        let session = answer.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("keyward_session=") }
        return String(try #require(session).1.split(separator: ";")[0])
    }
}
