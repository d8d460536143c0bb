import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A minimal W3C WebDriver client: enough to drive headless Chromium through chromedriver
/// (navigate, find, type, click, read, screenshot). Every call has a deadline.
struct WebDriver: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case protocolError(String)
        var description: String { if case .protocolError(let text) = self { return text }; return "webdriver" }
    }

    /// An element reference, as WebDriver names it.
    struct Element: Sendable { let id: String }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    let base: String
    let session: String
    let client: HTTPClient

    /// Opens a browser session on a chromedriver listening at `base`.
    static func open(base: String, client: HTTPClient, chromium: String, width: Int = 1280, height: Int = 900) async throws -> WebDriver {
        let capabilities: [String: Any] = [
            "capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": chromium,
                    // As root in a container Chromium needs --no-sandbox; /dev/shm is small there.
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                             "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US"],
                ],
            ]],
        ]
        let answer = try await call(client, .POST, base + "/session", body: capabilities)
        guard let value = answer["value"] as? [String: Any], let session = value["sessionId"] as? String else {
            throw Failure.protocolError("no session in \(answer)")
        }
        let driver = WebDriver(base: base, session: session, client: client)
        // Page loads and element look-ups give up rather than wait for ever; a look-up waits up
        // to 5 s for its element, since a click that submits a form returns before the next page.
        _ = try await driver.command(.POST, "timeouts", ["pageLoad": 20_000, "script": 5_000, "implicit": 5_000])
        return driver
    }

    func close() async {
        _ = try? await Self.call(client, .DELETE, "\(base)/session/\(session)", body: nil)
    }

    func navigate(_ url: String) async throws {
        _ = try await command(.POST, "url", ["url": url])
    }

    func currentURL() async throws -> String {
        try await command(.GET, "url")["value"] as? String ?? ""
    }

    /// Polls the current URL until `condition` holds, for at most `seconds`.
    func waitForURL(seconds: Double = 10, _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition(try await currentURL()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Polls the page source until `condition` holds, for at most `seconds`.
    func waitForSource(seconds: Double = 10, _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition(try await source()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func title() async throws -> String {
        try await command(.GET, "title")["value"] as? String ?? ""
    }

    func source() async throws -> String {
        try await command(.GET, "source")["value"] as? String ?? ""
    }

    func find(_ css: String) async throws -> Element {
        let answer = try await command(.POST, "element", ["using": "css selector", "value": css])
        guard let value = answer["value"] as? [String: Any], let id = value[Self.elementKey] as? String else {
            throw Failure.protocolError("no element matches \(css): \(answer)")
        }
        return Element(id: id)
    }

    func findAll(_ css: String) async throws -> [Element] {
        let answer = try await command(.POST, "elements", ["using": "css selector", "value": css])
        return (answer["value"] as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map(Element.init) }
    }

    func type(_ text: String, into element: Element) async throws {
        _ = try await command(.POST, "element/\(element.id)/clear", [:])
        _ = try await command(.POST, "element/\(element.id)/value", ["text": text])
    }

    func click(_ element: Element) async throws {
        _ = try await command(.POST, "element/\(element.id)/click", [:])
    }

    func text(_ element: Element) async throws -> String {
        try await command(.GET, "element/\(element.id)/text")["value"] as? String ?? ""
    }

    /// Selects the `<option>` with `value` in the `<select>` matched by `css`.
    func select(_ css: String, value: String) async throws {
        try await click(try await find("\(css) option[value=\"\(value)\"]"))
    }

    /// Cookies of the current page, HttpOnly ones included (WebDriver sees them; scripts do not).
    func cookies() async throws -> [[String: Any]] {
        try await command(.GET, "cookie")["value"] as? [[String: Any]] ?? []
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        guard let text = try await command(.GET, "screenshot")["value"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure.protocolError("no screenshot")
        }
        return data
    }

    /// Runs `script` (a function body; `arguments[0]`… are `args`) in the page and returns its
    /// value. WebDriver runs it outside the page's Content-Security-Policy, which forbids scripts.
    func execute(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command(.POST, "execute/sync", ["script": script, "args": args])["value"]
    }

    /// Resizes the window (for a full-length capture of a long page).
    func resize(width: Int, height: Int) async throws {
        _ = try await command(.POST, "window/rect", ["width": width, "height": height])
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        try await Self.call(client, method, "\(base)/session/\(session)/\(path)", body: body)
    }

    static func call(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        if response.status.code >= 400 {
            throw Failure.protocolError("\(method) \(url) answered \(response.status.code): \(String(buffer: bytes).prefix(500))")
        }
        return object
    }
}
