import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import KeywardStore
import Testing

@Suite("Dashboard (router)", .timeLimit(.minutes(2)))
struct DashboardTests {
    static let policy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    @Test("pages need a session, and every page carries the strict CSP and no script")
    func pagesNeedSessionAndCarryCSP() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let agent = DashboardAgent(client)
            let root = try await agent.get("/")
            #expect(root.status == .seeOther)
            #expect(root.headers[.location] == "/ui/")
            let anonymous = try await agent.get("/ui/inventory")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/ui/signin")
            let signedIn = try await agent.signIn(fixture.admin)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/ui/")
            let (id, _) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            for path in ["/ui/", "/ui/inventory", "/ui/findings", "/ui/reviews", "/ui/drills", "/ui/audit", "/ui/audit/verify", "/ui/keys/\(id)",
                         "/ui/keys/\(id)/confirm/revoke", "/ui/signin"] {
                let page = try await agent.get(path)
                if path == "/ui/signin" {
                    #expect(page.status == .seeOther, "signed in: the sign-in page sends to the overview")
                    continue
                }
                #expect(page.status == .ok, "\(path): \(page.status)")
                #expect(page.headers[HTTPField.Name("Content-Security-Policy")!] == Self.policy, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[.cacheControl] == "no-store")
                #expect(!page.text.lowercased().contains("<script"), "\(path) has a script")
                #expect(!page.text.contains("style=\""), "\(path) has inline style, which the CSP would block")
            }
            let css = try await agent.get("/ui/static/dashboard.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let audit = try await agent.get("/ui/audit/verify")
            #expect(audit.text.contains("The chain is intact"))
        }
    }

    @Test("the session cookie is HttpOnly, SameSite=Strict, Path=/ui, Secure behind TLS; only its hash is stored")
    func sessionCookie() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let agent = DashboardAgent(client)
            agent.forwardedProto = "https"
            let answer = try await agent.signIn(fixture.admin)
            let cookie = try #require(answer.headers[values: .setCookie].first { $0.hasPrefix("keyward_session=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui", "Secure"] {
                #expect(cookie.contains(attribute), "missing \(attribute) in \(cookie)")
            }
            let token = try #require(agent.cookies["keyward_session"])
            #expect(try await fixture.node.store.dashboardSession(tokenHash: token, now: fixture.clock.now()) == nil)
            let stored = try #require(try await fixture.node.store.dashboardSession(tokenHash: KeyHash(of: token).hex, now: fixture.clock.now()))
            #expect(stored.tokenHash.count == 64)
            #expect(!fixture.admin.contains(stored.tokenHash))

            let plain = DashboardAgent(client)
            let overHTTP = try await plain.signIn(fixture.admin)
            let plainCookie = try #require(overHTTP.headers[values: .setCookie].first { $0.hasPrefix("keyward_session=") })
            #expect(!plainCookie.contains("Secure"))
            let events = try await fixture.node.store.auditEvents(limit: 10)
            #expect(events.contains { $0.action == "dashboard.signed_in" })
            #expect(!events.contains { $0.details.values.contains(.string(token)) })
        }
    }

    @Test("a wrong key is refused without saying why and goes through the failed-auth throttle")
    func wrongKeyRefused() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let agent = DashboardAgent(client)
            let throttle = fixture.node.authenticator.throttle
            let before = throttle.failures(from: "unknown")
            let answer = try await agent.signIn("kw_live_" + String(repeating: "A", count: 38))
            #expect(answer.status == .unauthorized)
            #expect(answer.text.contains("cannot sign in"))
            #expect(agent.cookies["keyward_session"] == nil)
            #expect(throttle.failures(from: "unknown") == before + 1)
            // The sign-in form's own token is required (no login CSRF).
            let forged = try await agent.post("/ui/signin", form: [("signin_token", String(repeating: "0", count: 64)), ("key", fixture.admin)])
            #expect(forged.status == .forbidden)
            #expect(agent.cookies["keyward_session"] == nil)
            // A verify-only key is a valid key but cannot sign in.
            let (_, verifyKey) = try await client.issue(fixture.admin, #"{"name":"gateway","owner":"ops","scopes":["keyward:verify"]}"#)
            #expect(try await agent.signIn(verifyKey).status == .unauthorized)
        }
    }

    @Test("a state-changing form without the session's CSRF token is refused; with it the key is revoked")
    func csrfRequired() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let missing = try await agent.post("/ui/keys/\(id)/revoke", form: [("confirm", "yes"), ("reason", "test")])
            #expect(missing.status == .forbidden)
            let wrong = try await agent.post("/ui/keys/\(id)/revoke", form: [("csrf", String(repeating: "a", count: 64)), ("confirm", "yes"), ("reason", "test")])
            #expect(wrong.status == .forbidden)
            #expect(try await client.verify(fixture.admin, key)["code"] as? String == "VALID")
            let csrf = try await agent.csrf()
            let unconfirmed = try await agent.post("/ui/keys/\(id)/revoke", form: [("csrf", csrf), ("reason", "test")])
            #expect(unconfirmed.status == .badRequest)
            let done = try await agent.post("/ui/keys/\(id)/revoke", form: [("csrf", csrf), ("confirm", "yes"), ("reason", "leaked in a ticket")])
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/ui/keys/\(id)?done=revoke")
            #expect(try await client.verify(fixture.admin, key)["code"] as? String == "REVOKED")
            let events = try await fixture.node.store.auditEvents(subjectID: id, limit: 10)
            let revoked = try #require(events.first { $0.action == "key.revoked" })
            #expect(revoked.details["reason"] == .string("leaked in a ticket"))
            #expect(revoked.details["via"] == .string("dashboard"))
            // A session cookie from another site's form would not carry the token either: the
            // sign-out form needs it too.
            let signOut = try await agent.post("/ui/signout", form: [])
            #expect(signOut.status == .forbidden)
        }
    }

    @Test("a read-only credential sees every page, no action, and is refused server-side")
    func readOnly() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (_, reader) = try await client.issue(fixture.admin, #"{"name":"auditor","owner":"audit-team","scopes":["keyward:read"]}"#)
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let agent = DashboardAgent(client)
            #expect(try await agent.signIn(reader).status == .seeOther)
            let page = try await agent.get("/ui/keys/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("read-only"))
            #expect(!page.text.contains("/confirm/"))
            let findings = try await agent.get("/ui/findings")
            #expect(!findings.text.contains("/ui/findings/evaluate"))
            #expect(try await agent.get("/ui/keys/\(id)/confirm/revoke").status == .forbidden)
            let csrf = try await agent.csrf()
            for action in ["revoke", "disable", "rotate"] {
                let refused = try await agent.post("/ui/keys/\(id)/\(action)", form: [("csrf", csrf), ("confirm", "yes"), ("reason", "no")])
                #expect(refused.status == .forbidden, "\(action)")
                #expect(refused.text.contains("Read-only credential"))
            }
            #expect(try await agent.post("/ui/findings/evaluate", form: [("csrf", csrf)]).status == .forbidden)
            #expect(try await client.verify(fixture.admin, key)["code"] as? String == "VALID")
            // Signing out needs no write scope.
            let out = try await agent.post("/ui/signout", form: [("csrf", csrf)])
            #expect(out.status == .seeOther)
            #expect(try await agent.get("/ui/").status == .seeOther)
        }
    }

    @Test("a session ends on the next request after its key is revoked or disabled")
    func sessionDiesWithKey() async throws {
        try await ServerFixture.withRouter { fixture, client in
            for action in ["revoke", "disable"] {
                let (id, second) = try await client.issue(fixture.admin, #"{"name":"ops-admin","owner":"ops","scopes":["keyward:admin"]}"#)
                let agent = DashboardAgent(client)
                try await agent.signIn(second)
                #expect(try await agent.get("/ui/").status == .ok)
                let changed = try await client.call(.post, "/v1/keys/\(id)/\(action)", token: fixture.admin)
                #expect(changed.status == .ok)
                let after = try await agent.get("/ui/")
                #expect(after.status == .seeOther, "\(action)")
                #expect(after.headers[.location] == "/ui/signin?ended=\(action == "revoke" ? "revoked" : "disabled")")
                let events = try await fixture.node.store.auditEvents(subjectID: id, limit: 10)
                #expect(events.contains { $0.action == "dashboard.signed_out" && $0.details["reason"] == .string("credential \(action == "revoke" ? "REVOKED" : "DISABLED")") })
            }
            #expect(try await fixture.node.store.dashboardSessionCount() == 0)
        }
    }

    @Test("names, owners and metadata with markup are escaped in every context")
    func escaping() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let name = #"<script>alert(1)</script>"#
            let owner = #""><img src=x onerror=alert(2)>'"#
            let body = try JSONSerialization.data(withJSONObject: ["name": name, "owner": owner, "meta": ["note": "</textarea><svg onload=alert(3)>"]])
            let (id, _) = try await client.issue(fixture.admin, String(decoding: body, as: UTF8.self))
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            for path in ["/ui/inventory", "/ui/keys/\(id)", "/ui/inventory?" + "q=" + DashboardAgent.encode(name), "/ui/audit", "/ui/"] {
                let page = try await agent.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("<script>alert"), "\(path)")
                #expect(!page.text.contains("<img src=x"), "\(path)")
                #expect(!page.text.contains("<svg onload"), "\(path)")
            }
            let inventory = try await agent.get("/ui/inventory?owner=" + DashboardAgent.encode(owner))
            #expect(inventory.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // The owner filter is echoed into an attribute, quotes escaped.
            #expect(inventory.text.contains(#"value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;""#))
        }
    }

    @Test("rotation shows the new key once; it verifies and the old key keeps its grace")
    func rotate() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, old) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let confirm = try await agent.get("/ui/keys/\(id)/confirm/rotate")
            #expect(confirm.text.contains("grace_seconds"))
            let csrf = try #require(DashboardAgent.hiddenValue("csrf", in: confirm.text))
            let result = try await agent.post("/ui/keys/\(id)/rotate", form: [("csrf", csrf), ("confirm", "yes"), ("grace_seconds", "3600")])
            #expect(result.status == .ok)
            #expect(result.headers[.cacheControl] == "no-store")
            let range = try #require(result.text.range(of: #"kw_live_[0-9A-Za-z]{38}"#, options: .regularExpression))
            let new = String(result.text[range])
            #expect(new != old)
            #expect(try await client.verify(fixture.admin, new)["code"] as? String == "VALID")
            #expect(try await client.verify(fixture.admin, old)["code"] as? String == "VALID")
            fixture.clock.advance(seconds: 3601)
            #expect(try await client.verify(fixture.admin, old)["code"] as? String == "EXPIRED")
            // The key page never shows a plaintext key.
            let page = try await agent.get("/ui/keys/\(id)")
            #expect(page.text.range(of: #"kw_live_[0-9A-Za-z]{38}"#, options: .regularExpression) == nil)
            let bad = try await agent.post("/ui/keys/\(id)/rotate", form: [("csrf", csrf), ("confirm", "yes"), ("grace_seconds", "999999999")])
            #expect(bad.status == .badRequest)
        }
    }

    @Test("inventory: filter, search, sort and pages in SQL; CSV export with formulas defused")
    func inventory() async throws {
        try await ServerFixture.withRouter { fixture, client in
            for index in 0..<60 {
                _ = try await client.issue(fixture.admin, #"{"name":"svc-\#(String(format: "%02d", index))","owner":"\#(index % 3 == 0 ? "team-a" : "team-b")"}"#)
            }
            _ = try await client.issue(fixture.admin, #"{"name":"=HYPERLINK(\"x\")","owner":"team-c"}"#)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let owned = try await agent.get("/ui/inventory?owner=team-a")
            #expect(owned.text.contains(#"<span id="result-count">20</span>"#))
            let all = try await agent.get("/ui/inventory?q=svc-")
            #expect(all.text.contains(#"<span id="result-count">60</span>"#))
            #expect(all.text.contains("page 1 of 2"))
            #expect(all.text.contains(#"rel="next""#))
            let sorted = try await agent.get("/ui/inventory?q=svc-&sort=name&dir=desc")
            let first = try #require(sorted.text.range(of: "svc-59"))
            let second = try #require(sorted.text.range(of: "svc-58"))
            #expect(first.lowerBound < second.lowerBound)
            #expect(sorted.text.contains(#"aria-sort="descending""#))
            let page2 = try await agent.get("/ui/inventory?q=svc-&sort=name&page=2")
            #expect(page2.text.contains("svc-59"))
            #expect(!page2.text.contains("svc-00"))
            #expect(try await agent.get("/ui/inventory?status=bogus").status == .badRequest)
            #expect(try await agent.get("/ui/inventory?sort=name;DROP").status == .badRequest)
            let csv = try await agent.get("/ui/inventory.csv?owner=team-c")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("kind,id,name,owner") == true)
            #expect(lines.last?.contains(#""'=HYPERLINK(""x"")""#) == true)
            let everything = try await agent.get("/ui/inventory.csv")
            #expect(everything.text.split(separator: "\r\n").count == 1 + 62)
        }
    }

    @Test("the overview counts keys and findings and lists what needs attention")
    func overview() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.issue(fixture.admin, #"{"name":"no-expiry","owner":"team-a","environment":"live"}"#)
            _ = try await client.issue(fixture.admin, #"{"name":"soon","owner":"team-a","ttl_seconds":864000}"#)
            _ = try await fixture.node.governance.evaluate()
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/")
            #expect(page.status == .ok)
            #expect(page.text.contains("Needs attention today"))
            #expect(page.text.contains(#"<svg xmlns="http://www.w3.org/2000/svg" class="chart""#))
            // Three live keys (the admin and two more), one expiring within 90 days.
            #expect(page.text.contains(#"<span class="tile-value">3</span><span class="tile-label">live</span>"#))
            #expect(page.text.contains(#"<span class="tile-value">1</span><span class="tile-label">expire in 90 days</span>"#))
            #expect(page.text.contains("active: 3"))
        }
    }
}
