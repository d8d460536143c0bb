import Hummingbird
import KeywardAPI
import KeywardCore

/// One route of the API as data: method, path in OpenAPI form, the scope it needs, and the
/// handler. The router is built from this list, and a test checks the OpenAPI document against
/// the same list, so a route cannot ship undocumented.
public struct APIRoute: Sendable {
    public typealias Handler = @Sendable (Request, KeywardRequestContext, Credential?) async throws -> Response

    public let method: HTTPRequest.Method
    /// `/v1/keys/{id}` (OpenAPI form).
    public let path: String
    /// The scope a credential needs; nil for public routes.
    public let scope: StaticString?
    /// The scope prepared once for the authenticator.
    let requiredScope: RequiredScope?
    /// A body limit of its own (uploads); nil: the server's `max_body_bytes`.
    let maxBodyBytes: Int?
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, scope: StaticString?, maxBodyBytes: Int? = nil, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.scope = scope
        self.requiredScope = scope.map { RequiredScope("\($0)") }
        self.maxBodyBytes = maxBodyBytes
        self.handler = handler
    }

    public var scopeName: String? { scope.map { "\($0)" } }

    /// `/v1/keys/:id` (Hummingbird form).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}

extension Request {
    /// A query parameter, bounded in length so a huge query cannot reach the store.
    func query(_ name: String, maximumLength: Int = 256) throws -> String? {
        guard let value = uri.queryParameters[Substring(name)] else { return nil }
        guard value.count <= maximumLength else {
            throw APIError.badRequest("query parameter '\(name)' must be at most \(maximumLength) characters")
        }
        return String(value)
    }

    func intQuery(_ name: String) throws -> Int? {
        guard let text = try query(name, maximumLength: 20) else { return nil }
        guard let value = Int(text) else { throw APIError.badRequest("query parameter '\(name)' must be an integer, got \"\(text)\"") }
        return value
    }
}

extension KeywardRequestContext {
    func keyID() throws -> KeyID {
        let text = parameters.get("id") ?? ""
        guard let id = KeyID(text) else {
            throw APIError.notFound(GivenIdentifier.keyID.message(text) { "no key with \($0) (ids look like key_ followed by 22 letters and digits)" })
        }
        return id
    }
}
