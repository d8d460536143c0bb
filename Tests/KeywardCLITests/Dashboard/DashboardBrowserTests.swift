import AsyncHTTPClient
import Crypto
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
            gcp,projects/analytics-prod-394817/serviceAccounts/nightly-export-pipeline@analytics-prod-394817.iam.gserviceaccount.com/keys/8f3a61c0d2b94e7aa15c3e9b0d6f4a21,service_account_key,nightly-export-pipeline@analytics-prod-394817.iam.gserviceaccount.com,,team-data,prod,2023-05-01T00:00:00Z,2023-05-01T00:00:00Z,active
            """
        var request = HTTPClientRequest(url: server.address + "/v1/inventory/import/csv?file=inventory.csv")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(admin)")
        request.body = .bytes(ByteBuffer(string: csv))
        let imported = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(imported.status == .ok, "import failed: \(imported.status)")
        _ = try await imported.body.collect(upTo: 1 << 20)
        // Two keys reported leaked (and revoked at once), as `keyward scan --revoke` would.
        let leaked = [try await api.createKey(IssueRequest(name: "checkout-webhook", owner: "team-payments")),
                      try await api.createKey(IssueRequest(name: "search-crawler", owner: "team-search"))]
        let leakBody = LeakRevokeBody(leaks: leaked.map { issued in
            LeakRevokeItem(tokenHash: SHA256.hash(data: Array(issued.key.utf8)).map { String(format: "%02x", $0) }.joined(),
                           locations: [LeakLocation(file: "deploy/.env", line: 4, column: 1, commit: nil, ruleID: "keyward-api-key", fingerprint: "fp")])
        })
        var leak = HTTPClientRequest(url: server.address + "/v1/leaks/revoke")
        leak.method = .POST
        leak.headers.add(name: "Authorization", value: "Bearer \(admin)")
        leak.headers.add(name: "Content-Type", value: "application/json")
        leak.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(leakBody)))
        let leakAnswer = try await HTTPClient.shared.execute(leak, timeout: .seconds(30))
        #expect(leakAnswer.status == .ok, "leak: \(leakAnswer.status)")
        _ = try await leakAnswer.body.collect(upTo: 1 << 20)
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
        #expect(try await browser.waitForURL { $0.hasSuffix("/ui/signin") })
        try await shoot(browser, "01-sign-in")
        try await browser.type(admin, into: try await browser.find("#key"))
        try await browser.click(try await browser.find("form[action='/ui/signin'] button[type=submit]"))
        #expect(try await browser.waitForURL { $0 == base + "/ui/" })
        #expect(try await browser.title() == "Overview · keyward")
        let overview = try await browser.source()
        #expect(overview.contains("Needs attention today"))
        #expect(overview.contains("<svg"))
        #expect(overview.contains("Leaked in the last 30 days"))
        try await shoot(browser, "02-overview", fullHeight: 2600)

        // Filter the inventory by owner and status.
        try await browser.navigate(base + "/ui/inventory")
        try await browser.type("team-payments", into: try await browser.find("#owner"))
        try await browser.select("#status", value: "active")
        try await browser.click(try await browser.find("form.filters button[type=submit]"))
        #expect(try await browser.waitForURL { $0.contains("owner=team-payments") })
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
        #expect(try await browser.waitForURL { $0 == base + "/ui/keys/\(id)" })
        try await shoot(browser, "05-key", fullHeight: 1500)
        try await browser.click(try await browser.find("a.button-revoke"))
        #expect(try await browser.waitForURL { $0 == base + "/ui/keys/\(id)/confirm/revoke" })
        try await browser.type("found in a support ticket", into: try await browser.find("#reason"))
        try await shoot(browser, "06-revoke-confirm")
        try await browser.click(try await browser.find("#confirm-action"))
        #expect(try await browser.waitForURL { $0 == base + "/ui/keys/\(id)?done=revoke" })
        #expect(try await browser.waitForSource { $0.contains("The key was revoked.") })
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
        #expect(try await browser.waitForSource { $0.contains("The finding was acknowledged.") })
        try await browser.navigate(base + "/ui/reviews")
        try await browser.click(try await browser.find("table tbody th a"))
        try await browser.click(try await browser.find("input[name=decision][value=keep]"))
        try await browser.type("still serves checkout", into: try await browser.find("input[name=justification]"))
        try await browser.click(try await browser.find("form[action$='/attest'] button[type=submit]"))
        #expect(try await browser.waitForSource { $0.contains("Your answer was recorded.") })
        try await shoot(browser, "09-review")

        // The other pages.
        for (path, name) in [("/ui/reviews", "10-reviews"), ("/ui/drills", "11-drills"), ("/ui/audit", "12-audit"),
                             ("/ui/audit/verify", "13-audit-verify")] {
            try await browser.navigate(base + path)
            #expect(!(try await browser.source().contains("Something went wrong")), "\(path)")
            try await shoot(browser, name)
        }
        #expect(try await browser.text(try await browser.find("#chain-result")).contains("intact"))

        // Every page at a laptop's and a phone's width: nothing wider than the window, the
        // findings table's actions within it, chart text readable.
        try await browser.navigate(base + "/ui/reviews")
        let review = try await browser.execute("var a = document.querySelector('table tbody th a'); return a ? a.getAttribute('href') : null;") as? String
        var pages = [("/ui/", "overview"), ("/ui/inventory", "inventory"), ("/ui/keys/\(id)", "key"), ("/ui/keys/\(other.object.id)/confirm/revoke", "confirm"),
                     ("/ui/findings", "findings"), ("/ui/reviews", "reviews"), ("/ui/drills", "drills"), ("/ui/audit", "audit"),
                     ("/ui/audit/verify", "audit-verify")]
        if let review { pages.append((review, "review")) }
        for width in [1280, 390] {
            try await browser.resize(width: width, height: 900)
            for (path, name) in pages {
                try await browser.navigate(base + path)
                // The overflow, and the innermost elements sticking out (outside scrolling tables).
                let measured = try await browser.execute("""
                    var width = document.documentElement.clientWidth, culprits = [];
                    document.querySelectorAll('body *').forEach(function (e) {
                      if (e.closest('.table-wrap') || e.getBoundingClientRect().right <= width + 1) return;
                      for (var i = 0; i < e.children.length; i++) if (e.children[i].getBoundingClientRect().right > width + 1) return;
                      culprits.push(e.tagName.toLowerCase() + '.' + e.className + ' "' + e.textContent.trim().slice(0, 40) + '"');
                    });
                    return [String(document.documentElement.scrollWidth - width), culprits.slice(0, 3).join('; ')];
                    """) as? [String] ?? ["-1", ""]
                #expect(measured.first == "0", "\(path) at \(width) px is \(measured[0]) px wider than the window: \(measured.last ?? "")")
                try await shoot(browser, "w\(width)-\(name)", resize: false)
            }
            try await browser.navigate(base + "/ui/")
            let smallest = try await browser.execute("""
                var least = 1000;
                document.querySelectorAll('svg.chart').forEach(function (svg) {
                  var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                  svg.querySelectorAll('text').forEach(function (t) {
                    least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale);
                  });
                });
                return least;
                """) as? Double ?? 0
            #expect(smallest >= 10, "chart text is \(smallest) px at \(width) px")
        }
        try await browser.resize(width: 1280, height: 900)
        try await browser.navigate(base + "/ui/findings")
        let fits = try await browser.execute("""
            var wrap = document.querySelector('table.findings').parentElement;
            var button = document.querySelector('table.findings form button');
            return [wrap.scrollWidth - wrap.clientWidth, button ? Math.round(button.getBoundingClientRect().right) : -1, window.innerWidth];
            """) as? [Int] ?? []
        #expect(fits.count == 3 && fits[0] == 0, "the findings table scrolls sideways at 1,280 px: \(fits)")
        #expect(fits.count == 3 && fits[1] > 0 && fits[1] <= fits[2], "the acknowledge button is outside the window: \(fits)")

        // Sign out; a read-only credential sees the key page without actions and is refused.
        try await browser.click(try await browser.find("form[action='/ui/signout'] button"))
        #expect(try await browser.waitForURL { $0.contains("/ui/signin") })
        try await browser.type(fixture.reader, into: try await browser.find("#key"))
        try await browser.click(try await browser.find("form[action='/ui/signin'] button[type=submit]"))
        try await browser.navigate(base + "/ui/keys/\(other.object.id)")
        #expect(try await browser.findAll("ul.actions a").isEmpty)
        #expect(try await browser.waitForSource { $0.contains("read-only") })
        try await shoot(browser, "14-key-read-only")
        try await browser.navigate(base + "/ui/keys/\(other.object.id)/confirm/revoke")
        #expect(try await browser.waitForSource { $0.contains("Read-only credential") })
        try await shoot(browser, "15-read-only-refused")
        #expect(try await api.verify(key: other.key).code == .valid)

        // The reader's key is revoked: the next page says why the session ended.
        let readerID = try #require(try await api.verify(key: fixture.reader).keyID)
        _ = try await api.revoke(id: readerID, reason: "auditor left")
        try await browser.navigate(base + "/ui/inventory")
        #expect(try await browser.waitForURL { $0.hasSuffix("/ui/signin?ended=revoked") })
        #expect(try await browser.text(try await browser.find("#session-ended")).contains("was revoked"))
        try await shoot(browser, "16-session-ended")
    }

    /// Saves a screenshot; `fullHeight` enlarges the window first to capture a long page.
    func shoot(_ browser: WebDriver, _ name: String, fullHeight: Int? = nil, resize: Bool = true) async throws {
        if let fullHeight { try await browser.resize(width: 1280, height: fullHeight) }
        let png = try await browser.screenshot()
        try png.write(to: Self.artifacts.appendingPathComponent(name + ".png"))
        if fullHeight != nil, resize { try await browser.resize(width: 1280, height: 900) }
    }
}
