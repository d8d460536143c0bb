import AsyncHTTPClient
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import NIOCore
import NIOHTTP1
import Testing

/// The dashboard as a person uses it: a real `keyward serve`, headless Chromium driven through
/// chromedriver (WebDriver), screenshots of every page in `test-artifacts/dashboard/`.
@Suite("Dashboard in a real browser", .serialized, .timeLimit(.minutes(3)),
       .enabled(if: BrowserTools.available, "browser test skipped: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"))
struct DashboardBrowserTests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("test-artifacts/dashboard")

    @Test("sign in, filter the inventory, revoke a key through its page, read-only and forged posts refused")
    func dashboardInBrowser() async throws {
        let directory = try temporaryDirectory()
        let server = try ServerProcess(database: directory.appendingPathComponent("keyward.db").path)
        defer { server.stop() }
        let admin = try #require(server.bootstrapKey)
        let api = try KeywardClient(baseURL: server.address, token: admin)
        let started = ContinuousClock.now
        let fixture = try await Self.populate(api, server: server, admin: admin)
        print("browser test: fixture ready after \(ContinuousClock.now - started)")

        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let driver = try await ChromedriverProcess(client: http)
        let browser = try await WebDriver.open(base: driver.base, client: http, chromium: BrowserTools.chromium!)
        do {
            try await run(browser, server: server, api: api, http: http, admin: admin, fixture: fixture)
        } catch {
            await browser.close()
            driver.stop()
            try? await http.shutdown()
            throw error
        }
        print("browser test: pages done after \(ContinuousClock.now - started)")
        await browser.close()
        print("browser test: session closed after \(ContinuousClock.now - started)")
        driver.stop()
        print("browser test: chromedriver stopped after \(ContinuousClock.now - started)")
        try await http.shutdown()
        print("browser test: browser closed after \(ContinuousClock.now - started)")
    }

    struct Fixture {
        var target: IssuedKeyObject
        var reader: String
        var paymentsKeys: Int
    }

    /// Keys of several teams and environments, an imported CSV, a policy evaluation, a drill and
    /// some verifications, so every page has something to show.
    static func populate(_ api: KeywardClient, server: ServerProcess, admin: String) async throws -> Fixture {
        let teams = ["team-payments", "team-search", "team-identity", "team-data"]
        var target: IssuedKeyObject?
        var paymentsKeys = 0
        for index in 0..<16 {
            let team = teams[index % teams.count]
            let ttl: Int64? = index % 3 == 0 ? Int64(10 + index * 5) * 86_400 : nil
            let issued = try await api.createKey(IssueRequest(
                name: "\(team.dropFirst(5))-service-\(index)", owner: team, environment: index % 4 == 3 ? "test" : "live", ttlSeconds: ttl))
            if team == "team-payments" { paymentsKeys += 1 }
            if index == 4 { target = issued }
            for _ in 0..<(index % 5) { _ = try await api.verify(key: issued.key) }
        }
        let reader = try await api.createKey(IssueRequest(name: "auditor", owner: "audit-team", scopes: ["keyward:read"])).key
        let csv = """
            provider,external_id,kind,identity,name,owner,environments,created_at,last_rotated_at,status
            aws,AKIAEXAMPLE0000001,access_key,deploy-bot,deploy bot,team-platform,prod,2024-01-10T00:00:00Z,2024-01-10T00:00:00Z,active
            aws,AKIAEXAMPLE0000002,access_key,ci-runner,ci runner,,prod,2025-06-01T00:00:00Z,2025-06-01T00:00:00Z,active
            github,ghp-1234,personal_access_token,octocat,release token,team-search,prod,2025-09-01T00:00:00Z,2025-09-01T00:00:00Z,active
            gcp,sa-key-1,service_account_key,etl@proj.iam,etl key,team-data,staging,2023-03-01T00:00:00Z,2023-03-01T00:00:00Z,active
            """
        var request = HTTPClientRequest(url: server.address + "/v1/inventory/import/csv?file=inventory.csv")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(admin)")
        request.body = .bytes(ByteBuffer(string: csv))
        let imported = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(imported.status == .ok, "import failed: \(imported.status)")
        _ = try await imported.body.collect(upTo: 1 << 20)
        var evaluate = HTTPClientRequest(url: server.address + "/v1/findings/evaluate")
        evaluate.method = .POST
        evaluate.headers.add(name: "Authorization", value: "Bearer \(admin)")
        let evaluated = try await HTTPClient.shared.execute(evaluate, timeout: .seconds(30))
        _ = try await evaluated.body.collect(upTo: 1 << 20)
        var review = HTTPClientRequest(url: server.address + "/v1/reviews")
        review.method = .POST
        review.headers.add(name: "Authorization", value: "Bearer \(admin)")
        review.headers.add(name: "Content-Type", value: "application/json")
        review.body = .bytes(ByteBuffer(string: #"{"name":"Quarterly access review","due_days":14}"#))
        let started = try await HTTPClient.shared.execute(review, timeout: .seconds(30))
        #expect(started.status == .created, "review: \(started.status)")
        _ = try await started.body.collect(upTo: 1 << 20)
        let drill = try keyward(["drill", "revoke", "--nodes", server.address, "--rounds", "5", "--slo-ms", "5000", "--json"],
                                environment: ["KEYWARD_TOKEN": admin, "KEYWARD_ADDR": server.address])
        #expect(drill.status == 0, "drill: \(drill.stderr)")
        return Fixture(target: try #require(target), reader: reader, paymentsKeys: paymentsKeys)
    }

    func run(_ browser: WebDriver, server: ServerProcess, api: KeywardClient, http: HTTPClient, admin: String, fixture: Fixture) async throws {
        let base = server.address
        // Sign in.
        try await browser.navigate(base + "/")
        #expect(try await browser.currentURL().hasSuffix("/ui/signin"))
        try await shoot(browser, "01-sign-in")
        try await browser.type(admin, into: try await browser.find("#key"))
        try await browser.click(try await browser.find("form[action='/ui/signin'] button[type=submit]"))
        #expect(try await browser.currentURL() == base + "/ui/")
        #expect(try await browser.title() == "Overview · keyward")
        let overview = try await browser.source()
        #expect(overview.contains("Needs attention today"))
        #expect(overview.contains("<svg"))
        try await shoot(browser, "02-overview", fullHeight: 2200)

        // Filter the inventory by owner and status.
        try await browser.navigate(base + "/ui/inventory")
        try await browser.type("team-payments", into: try await browser.find("#owner"))
        try await browser.select("#status", value: "active")
        try await browser.click(try await browser.find("form.filters button[type=submit]"))
        #expect(try await browser.currentURL().contains("owner=team-payments"))
        #expect(try await browser.text(try await browser.find("#result-count")) == String(fixture.paymentsKeys))
        let rows = try await browser.findAll("#inventory-table tbody tr")
        #expect(rows.count == fixture.paymentsKeys)
        try await shoot(browser, "03-inventory-filtered")
        try await browser.navigate(base + "/ui/inventory?sort=created&dir=desc")
        try await shoot(browser, "04-inventory")
        // A phone-sized window: the same pages stack into one column.
        try await browser.resize(width: 400, height: 860)
        try await browser.navigate(base + "/ui/")
        try await shoot(browser, "04b-overview-narrow", resize: false)
        try await browser.resize(width: 1280, height: 900)

        // The key page, then revoke with its confirmation.
        let id = fixture.target.object.id
        try await browser.navigate(base + "/ui/inventory?" + "q=" + id)
        try await browser.click(try await browser.find("#inventory-table tbody tr th a"))
        #expect(try await browser.currentURL() == base + "/ui/keys/\(id)")
        try await shoot(browser, "05-key", fullHeight: 1500)
        try await browser.click(try await browser.find("a.button-revoke"))
        #expect(try await browser.currentURL() == base + "/ui/keys/\(id)/confirm/revoke")
        try await browser.type("found in a support ticket", into: try await browser.find("#reason"))
        try await shoot(browser, "06-revoke-confirm")
        try await browser.click(try await browser.find("#confirm-action"))
        #expect(try await browser.currentURL() == base + "/ui/keys/\(id)?done=revoke")
        #expect(try await browser.source().contains("The key was revoked."))
        try await shoot(browser, "07-key-revoked")
        #expect(try await api.verify(key: fixture.target.key).code == .revoked)

        // A POST without the CSRF token, with the real session cookie, is refused.
        let session = try #require(try await browser.cookies().first { $0["name"] as? String == "keyward_session" })
        #expect(session["httpOnly"] as? Bool == true)
        #expect(session["sameSite"] as? String == "Strict")
        let other = try await api.createKey(IssueRequest(name: "victim", owner: "team-search"))
        var forged = HTTPClientRequest(url: base + "/ui/keys/\(other.object.id)/revoke")
        forged.method = .POST
        forged.headers.add(name: "Cookie", value: "keyward_session=\(session["value"] as? String ?? "")")
        forged.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        forged.body = .bytes(ByteBuffer(string: "confirm=yes&reason=forged"))
        let refused = try await http.execute(forged, timeout: .seconds(10))
        #expect(refused.status == .forbidden)
        _ = try await refused.body.collect(upTo: 1 << 20)
        // A form on another site posting to the dashboard: SameSite=Strict keeps the cookie home.
        let page = #"<form method="post" action="\#(base)/ui/keys/\#(other.object.id)/revoke"><input name="confirm" value="yes"><input name="reason" value="x"><button id="go">go</button></form>"#
        try await browser.navigate("data:text/html," + (page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        try await browser.click(try await browser.find("#go"))
        #expect(try await browser.waitForSource { $0.contains("Signed out") })
        #expect(try await api.verify(key: other.key).code == .valid)

        // Acknowledge a finding; answer an access review.
        try await browser.navigate(base + "/ui/findings")
        try await shoot(browser, "08-findings")
        try await browser.type("rotating next sprint", into: try await browser.find("table.findings input[name=note]"))
        try await browser.click(try await browser.find("table.findings form button[type=submit]"))
        #expect(try await browser.source().contains("The finding was acknowledged."))
        try await browser.navigate(base + "/ui/reviews")
        try await browser.click(try await browser.find("table tbody th a"))
        try await browser.click(try await browser.find("input[name=decision][value=keep]"))
        try await browser.type("still serves checkout", into: try await browser.find("input[name=justification]"))
        try await browser.click(try await browser.find("form[action$='/attest'] button[type=submit]"))
        #expect(try await browser.source().contains("Your answer was recorded."))
        try await shoot(browser, "09-review")

        // The other pages.
        for (path, name) in [("/ui/reviews", "10-reviews"), ("/ui/drills", "11-drills"), ("/ui/audit", "12-audit"),
                             ("/ui/audit/verify", "13-audit-verify")] {
            try await browser.navigate(base + path)
            #expect(!(try await browser.source().contains("Something went wrong")), "\(path)")
            try await shoot(browser, name)
        }
        #expect(try await browser.text(try await browser.find("#chain-result")).contains("intact"))

        // Sign out; a read-only credential sees the key page without actions and is refused.
        try await browser.click(try await browser.find("form[action='/ui/signout'] button"))
        #expect(try await browser.waitForURL { $0.contains("/ui/signin") })
        try await browser.type(fixture.reader, into: try await browser.find("#key"))
        try await browser.click(try await browser.find("form[action='/ui/signin'] button[type=submit]"))
        try await browser.navigate(base + "/ui/keys/\(other.object.id)")
        #expect(try await browser.findAll("ul.actions a").isEmpty)
        #expect(try await browser.source().contains("read-only"))
        try await shoot(browser, "14-key-read-only")
        try await browser.navigate(base + "/ui/keys/\(other.object.id)/confirm/revoke")
        #expect(try await browser.source().contains("Read-only credential"))
        try await shoot(browser, "15-read-only-refused")
        #expect(try await api.verify(key: other.key).code == .valid)
    }

    /// Saves a screenshot; `fullHeight` enlarges the window first to capture a long page.
    func shoot(_ browser: WebDriver, _ name: String, fullHeight: Int? = nil, resize: Bool = true) async throws {
        if let fullHeight { try await browser.resize(width: 1280, height: fullHeight) }
        let png = try await browser.screenshot()
        try png.write(to: Self.artifacts.appendingPathComponent(name + ".png"))
        if fullHeight != nil, resize { try await browser.resize(width: 1280, height: 900) }
    }
}
