import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import Testing

/// Issue 14's dashboard: what leads the overview, one question per panel, and the details a
/// security team reads every day (pages of 50, names instead of ids, "3 min ago").
@Suite("Dashboard: what needs attention", .timeLimit(.minutes(2)))
struct DashboardAttentionTests {
    /// The `<article>` of the overview panel titled `title`.
    static func card(_ title: String, in html: String) -> String? {
        guard let start = html.range(of: "<h3>\(title) ") else { return nil }
        guard let end = html.range(of: "</article>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.lowerBound])
    }

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Imports rows of the generic CSV format through the API.
    static func importCSV(_ client: any TestClientProtocol, token: String, rows: [String]) async throws {
        let csv = (["provider,external_id,kind,identity,name,owner,environments,created_at,last_rotated_at,status"] + rows).joined(separator: "\n")
        let answer = try await client.call(.post, "/v1/inventory/import/csv?file=inventory.csv", token: token, bytes: Array(csv.utf8))
        #expect(answer.status == .ok, "\(answer.text)")
    }

    @Test("two leaks revoked within the hour are two leaks, each with how soon it was revoked; open critical findings lead the page")
    func leaksAndTheLeadingTile() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let checkout = try await client.issue(fixture.admin, #"{"name":"checkout-api","owner":"team-pay"}"#)
            let search = try await client.issue(fixture.admin, #"{"name":"search-indexer","owner":"team-search"}"#)
            let place = LeakLocation(file: "config/prod.env", line: 3, column: 7, commit: nil, ruleID: "keyward-api-key", fingerprint: "fp-3")
            let body = try JSONEncoder().encode(LeakRevokeBody(leaks: [checkout, search].map { LeakRevokeItem(tokenHash: sha256Hex($0.key), locations: [place]) }))
            let answer = try await client.call(.post, "/v1/leaks/revoke", token: fixture.admin, json: String(decoding: body, as: UTF8.self))
            #expect(answer.status == .ok, "\(answer.text)")
            fixture.clock.advance(seconds: 3600)

            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/")
            let leaks = try #require(Self.card("Leaked in the last 30 days", in: page.text), "\(page.text)")
            #expect(leaks.contains(#"<span class="count">2</span>"#))
            #expect(leaks.contains("checkout-api") && leaks.contains("search-indexer"))
            #expect(Self.occurrences("revoked 0 s after the report", in: leaks) == 2)
            #expect(leaks.contains("All revoked."))
            #expect(!page.text.contains("Leaked and still live"))
            // The first tile: open critical and high findings, linked to them.
            let tile = try #require(page.text.range(of: #"<a id="urgent-tile""#))
            let credentials = try #require(page.text.range(of: #"<span class="tile-label">credentials</span>"#))
            #expect(tile.lowerBound < credentials.lowerBound)
            #expect(page.text.contains("(2 critical, "))
            #expect(page.text.contains(#"href="/ui/findings?state=open&amp;severity=critical""#))

            // Older than the window: no longer listed.
            fixture.clock.advance(seconds: 31 * 86_400)
            try await agent.signIn(fixture.admin)
            let later = try await agent.get("/ui/")
            #expect(try #require(Self.card("Leaked in the last 30 days", in: later.text)).contains(#"<span class="count">0</span>"#))
        }
    }

    @Test("without an owner, owner departed and rotation overdue are separate panels; a credential appears once per panel")
    func onePanelPerQuestion() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-panels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.yaml")
        try """
            version: 1
            name: panels
            rules:
              - id: owner-required
                check: required_owner
                severity: high
              - id: owner-departed
                check: owner_departed
                severity: high
              - id: rotation-quarterly
                check: rotation_interval
                threshold: 90d
                severity: high
              - id: rotation-monthly
                check: rotation_interval
                threshold: 30d
                severity: medium
              - id: token-lifetime
                check: max_lifetime
                threshold: 366d
                severity: low
            """.write(to: policy, atomically: true, encoding: .utf8)
        try await ServerFixture.withRouter(configure: { $0.policyPath = policy.path }) { fixture, client in
            _ = try await client.issue(fixture.admin, #"{"name":"forever-service","owner":"team-a"}"#)
            try await Self.importCSV(client, token: fixture.admin, rows: [
                "aws,AKIAORPHAN00000001,access_key,ci-runner,ci runner,,prod,2024-01-10T00:00:00Z,2024-01-10T00:00:00Z,active",
                "aws,AKIAALICE000000001,access_key,alice,alice key,alice,prod,2026-12-20T00:00:00Z,2026-12-20T00:00:00Z,active",
            ])
            #expect(try await client.call(.post, "/v1/owners", token: fixture.admin, json: #"{"handle":"alice"}"#).status.code < 300)
            #expect(try await client.call(.post, "/v1/owners/alice/depart", token: fixture.admin).status.code < 300)
            #expect(try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin).status == .ok)

            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/")
            let unowned = try #require(Self.card("Without an owner", in: page.text))
            #expect(unowned.contains(#"<span class="count">1</span>"#), "\(unowned)")
            #expect(unowned.contains("AKIAORPHAN00000001") && !unowned.contains("AKIAALICE000000001"))
            let departed = try #require(Self.card("Owner departed", in: page.text))
            #expect(departed.contains(#"<span class="count">1</span>"#), "\(departed)")
            #expect(departed.contains("AKIAALICE000000001"))
            // Two rotation rules fire for the orphan: one credential, listed once.
            let rotation = try #require(Self.card("Rotation overdue", in: page.text))
            #expect(rotation.contains(#"<span class="count">1</span>"#), "\(rotation)")
            #expect(Self.occurrences(">AKIAORPHAN00000001</a>", in: rotation) == 1)
            // A key that never expires breaks the lifetime rule, which is not a rotation.
            #expect(!rotation.contains("forever-service"))
            let departedFindings = try await agent.get("/ui/findings?attention=departed")
            #expect(departedFindings.status == .ok)
            #expect(departedFindings.text.contains("AKIAALICE000000001") && !departedFindings.text.contains("AKIAORPHAN00000001"))
        }
    }

    @Test("the findings table shows 50 a page, in five columns with the action")
    func findingsPages() async throws {
        try await ServerFixture.withRouter { fixture, client in
            try await Self.importCSV(client, token: fixture.admin, rows: (0..<60).map { index in
                "aws,AKIAPAGE\(String(format: "%010d", index)),access_key,user-\(index),key \(index),,prod,2024-01-10T00:00:00Z,2024-01-10T00:00:00Z,active"
            })
            #expect(try await client.call(.post, "/v1/findings/evaluate", token: fixture.admin).status == .ok)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/findings")
            let body = try #require(page.text.components(separatedBy: "<tbody>").last)
            #expect(Self.occurrences("<tr>", in: body) == 50)
            #expect(page.text.contains("50 findings on this page"))
            #expect(page.text.contains(#"rel="next""#))
            #expect(Self.occurrences("<th scope=\"col\">", in: page.text) == 5, "severity, credential, finding, state, action")
        }
    }

    @Test("audit actors are shown by key name and owner; times do not wrap; last use reads just now, then 3 min ago")
    func namesAndTimes() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"svc-billing","owner":"team-pay"}"#)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let audit = try await agent.get("/ui/audit?action=key.created")
            #expect(audit.text.contains(#"<td class="nowrap">"#))
            let adminID = try #require(try await client.verify(fixture.admin, fixture.admin)["key_id"] as? String)
            let admin = try await client.call(.get, "/v1/keys/\(adminID)", token: fixture.admin).json
            let name = try #require(admin["name"] as? String)
            let owner = try #require(admin["owner"] as? String)
            #expect(audit.text.contains(#">\#(name)</a><br><span class="muted">\#(owner)</span>"#), "\(audit.text)")
            #expect(!audit.text.contains(#"<td class="mono">\#(adminID)</td>"#))

            _ = try await client.verify(fixture.admin, key)
            await fixture.node.flushUsage()
            let now = try await agent.get("/ui/inventory?q=svc-billing")
            #expect(now.text.contains("<td>just now</td>"), "\(now.text)")
            fixture.clock.advance(seconds: 200)
            let later = try await agent.get("/ui/inventory?q=svc-billing")
            #expect(later.text.contains("<td>3 min ago</td>"))
            #expect(!later.text.contains("<td>0 h</td>"))
            let keyPage = try await agent.get("/ui/keys/\(id)")
            #expect(keyPage.text.contains("(3 min ago)"))
        }
    }

    @Test("the key page's callers show the environment each verifying service stated")
    func callersEnvironment() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, key) = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay"}"#)
            for environment in ["staging", "production"] {
                let body = #"{"key":"\#(key)","ip":"10.1.2.3","caller":"billing-api","environment":"\#(environment)"}"#
                #expect(try await client.call(.post, "/v1/verify", token: fixture.admin, json: body).status == .ok)
            }
            await fixture.node.flushUsage()
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/keys/\(id)")
            #expect(page.text.contains(#"<th scope="col">Environment</th>"#))
            #expect(page.text.contains("<td>billing-api</td><td>staging</td>") && page.text.contains("<td>billing-api</td><td>production</td>"), "\(page.text)")
        }
    }

    @Test("the inventory opens most urgent first: expiring soonest, then never expiring, revoked last")
    func inventoryUrgency() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.issue(fixture.admin, #"{"name":"svc-later","owner":"team-a","ttl_seconds":5184000}"#)
            let (gone, _) = try await client.issue(fixture.admin, #"{"name":"svc-gone","owner":"team-a","ttl_seconds":86400}"#)
            _ = try await client.issue(fixture.admin, #"{"name":"svc-forever","owner":"team-a"}"#)
            _ = try await client.issue(fixture.admin, #"{"name":"svc-soon","owner":"team-a","ttl_seconds":432000}"#)
            #expect(try await client.call(.post, "/v1/keys/\(gone)/revoke", token: fixture.admin, json: #"{"reason":"test"}"#).status == .ok)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/inventory?q=svc-")
            let order = ["svc-soon", "svc-later", "svc-forever", "svc-gone"].map { page.text.range(of: ">\($0)</a>")?.lowerBound }
            let positions = try order.map { try #require($0) }
            #expect(positions == positions.sorted(), "most urgent first")
            #expect(page.text.contains(#"aria-current="true">most urgent first</a>"#))
            let added = try await agent.get("/ui/inventory?q=svc-&sort=added")
            #expect(try #require(added.text.range(of: ">svc-later</a>")).lowerBound < (try #require(added.text.range(of: ">svc-soon</a>"))).lowerBound)
        }
    }

    @Test("a session ended because its key was revoked says so on the sign-in page")
    func sessionEndedByRevocation() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let (id, second) = try await client.issue(fixture.admin, #"{"name":"ops-reader","owner":"ops","scopes":["keyward:read"]}"#)
            let agent = DashboardAgent(client)
            try await agent.signIn(second)
            #expect(try await agent.get("/ui/").status == .ok)
            #expect(try await client.call(.post, "/v1/keys/\(id)/revoke", token: fixture.admin, json: #"{"reason":"rotated"}"#).status == .ok)
            let after = try await agent.get("/ui/inventory")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/ui/signin?ended=revoked")
            let signin = try await agent.get("/ui/signin?ended=revoked")
            #expect(signin.text.contains("Your session ended because the key you signed in with was revoked."))
            // Only fixed messages: anything else shows none.
            let forged = try await agent.get("/ui/signin?ended=%3Cb%3Ehello")
            #expect(!forged.text.contains("hello") && !forged.text.contains("session-ended"))
        }
    }

    @Test("the expiry timeline names each week by its days, in text that stays readable")
    func expiryWeeks() async throws {
        try await ServerFixture.withRouter { fixture, client in
            _ = try await client.issue(fixture.admin, #"{"name":"soon","owner":"team-a","ttl_seconds":864000}"#)
            let agent = DashboardAgent(client)
            try await agent.signIn(fixture.admin)
            let page = try await agent.get("/ui/")
            // The fixture's clock reads 2027-01-15.
            #expect(page.text.contains(">15 Jan – 21 Jan</text>"), "\(page.text)")
            #expect(page.text.contains("22 Jan – 28 Jan: 1"))
        }
    }
}
