import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders dashboard pages from the Mustache templates shipped as resources of this module, and
/// wraps every page in the layout and the security headers.
///
/// Mustache's `{{value}}` escapes `& < > " '`, so values are safe in element bodies and in quoted
/// attributes; the only unescaped insertions (`{{{…}}}`) are the rendered page inside the layout
/// and charts that ``SVGChart`` built from escaped parts. URLs in attributes are built by
/// ``URLText/query(_:)`` from encoded parts and always start with `/ui/`.
struct DashboardRenderer: Sendable {
    /// Nothing from elsewhere, no inline script or style, no framing, forms only to this origin.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    let library: MustacheLibrary
    let stylesheet: ByteBuffer

    init() throws {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let css = Bundle.module.url(forResource: "Static/dashboard", withExtension: "css")
                ?? Bundle.module.url(forResource: "dashboard", withExtension: "css", subdirectory: "Static")
        else { throw DashboardError(status: .internalServerError, title: "Missing templates", message: "the dashboard's resources are not installed") }
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        for file in files.sorted() {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        self.stylesheet = ByteBuffer(data: try Data(contentsOf: css))
    }

    /// Headers of every dashboard answer, pages and redirects alike.
    static func securityHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.cacheControl] = "no-store"
        return headers
    }

    /// A full page: `template` rendered with `context`, inside the layout.
    func page(_ template: String, title: String, section: String, user: DashboardUser?, context: [String: Any],
              status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:]) -> Response {
        let content = library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "title": title, "content": content, "signedIn": user != nil,
            "nav": Self.navigation.map { ["href": $0.href, "label": $0.label, "current": $0.section == section] },
        ]
        if let user {
            layout["user"] = ["keyID": user.keyID, "owner": user.owner, "readOnly": !user.canWrite, "csrf": user.csrfToken]
        }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        var headers = Self.securityHeaders()
        headers[.contentType] = "text/html; charset=utf-8"
        for field in extraHeaders { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = securityHeaders()
        headers[.location] = location
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }

    func stylesheetResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: stylesheet))
    }

    static let navigation: [(href: String, label: String, section: String)] = [
        ("/ui/", "Overview", "overview"), ("/ui/inventory", "Inventory", "inventory"), ("/ui/findings", "Findings", "findings"),
        ("/ui/reviews", "Reviews", "reviews"), ("/ui/drills", "Drills", "drills"), ("/ui/audit", "Audit", "audit"),
    ]
}
