import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KeywardCore
import NIOCore
import Testing

/// A browser in miniature for router-mode dashboard tests: it keeps cookies, follows nothing
/// by itself, and reads the CSRF token out of the last page.
final class DashboardAgent: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    var forwardedProto: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    func get(_ path: String) async throws -> Answer {
        try await send(.get, path, body: nil)
    }

    func post(_ path: String, form: [(String, String)]) async throws -> Answer {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, path, body: body)
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: String?) async throws -> Answer {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if let body, !body.isEmpty { headers[.contentType] = "application/x-www-form-urlencoded" }
        if let forwardedProto { headers[HTTPField.Name("X-Forwarded-Proto")!] = forwardedProto }
        let answer = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Answer(status: response.status, body: response.body, headers: response.headers)
        }
        for header in answer.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return answer
    }

    /// Signs in with `key` through the form, as a browser would.
    @discardableResult
    func signIn(_ key: String) async throws -> Answer {
        let page = try await get("/ui/signin")
        let token = try #require(Self.hiddenValue("signin_token", in: page.text))
        return try await post("/ui/signin", form: [("signin_token", token), ("key", key)])
    }

    /// The CSRF token the signed-in layout carries (in its sign-out form).
    func csrf() async throws -> String {
        let page = try await get("/ui/drills")
        return try #require(Self.hiddenValue("csrf", in: page.text))
    }

    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }
}
