import AsyncHTTPClient
import Foundation
import KeywardAPI
import KeywardCore
import NIOCore
import NIOHTTP1

/// A typed client for keyward's HTTP API, used by the CLI, drills and end-to-end tests.
///
/// Configured like other infrastructure CLIs: an address (`KEYWARD_ADDR`, default
/// `http://127.0.0.1:8080`) and a bearer credential (`KEYWARD_TOKEN`).
public struct KeywardClient: Sendable {
    public static let defaultAddress = "http://127.0.0.1:8080"

    public let baseURL: String
    let token: String?
    let httpClient: HTTPClient
    let timeout: TimeAmount

    public init(baseURL: String = KeywardClient.defaultAddress, token: String?, httpClient: HTTPClient = .shared, timeoutSeconds: Int64 = 30) throws {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ClientError.configuration("KEYWARD_ADDR must be an http(s) URL such as http://127.0.0.1:8080, got \"\(baseURL.prefix(80))\"")
        }
        self.baseURL = base
        self.token = token
        self.httpClient = httpClient
        self.timeout = .seconds(timeoutSeconds)
    }

    /// Reads `KEYWARD_ADDR` and `KEYWARD_TOKEN`.
    /// The same client with another time limit per request (a connector sync waits for the provider).
    public func with(timeoutSeconds: Int64) throws -> KeywardClient {
        try KeywardClient(baseURL: baseURL, token: token, httpClient: httpClient, timeoutSeconds: timeoutSeconds)
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KeywardClient {
        try KeywardClient(baseURL: environment["KEYWARD_ADDR"] ?? defaultAddress, token: environment["KEYWARD_TOKEN"])
    }

    // MARK: keys

    public func createKey(_ request: IssueRequest) async throws -> IssuedKeyObject {
        try await send(.POST, "/v1/keys", body: request)
    }

    public func listKeys(owner: String? = nil, status: KeyStatus? = nil, environment: String? = nil, limit: Int? = nil, cursor: String? = nil) async throws -> KeyListObject {
        var query: [(String, String)] = []
        if let owner { query.append(("owner", owner)) }
        if let status { query.append(("status", status.rawValue)) }
        if let environment { query.append(("environment", environment)) }
        if let limit { query.append(("limit", String(limit))) }
        if let cursor { query.append(("cursor", cursor)) }
        return try await send(.GET, "/v1/keys", query: query)
    }

    public func key(id: String) async throws -> KeyObject {
        try await send(.GET, "/v1/keys/\(try Self.pathSegment(id))")
    }

    public func rotate(id: String, graceSeconds: Int64?) async throws -> IssuedKeyObject {
        try await send(.POST, "/v1/keys/\(try Self.pathSegment(id))/rotate", body: RotateBody(graceSeconds: graceSeconds))
    }

    public func revoke(id: String, reason: String?, source: [String: JSONValue]? = nil) async throws -> KeyObject {
        try await send(.POST, "/v1/keys/\(try Self.pathSegment(id))/revoke", body: RevokeBody(reason: reason, source: source))
    }

    public func setDisabled(id: String, _ disabled: Bool) async throws -> KeyObject {
        try await send(.POST, "/v1/keys/\(try Self.pathSegment(id))/\(disabled ? "disable" : "enable")")
    }

    public func revokeAll(owner: String, reason: String?) async throws -> BulkRevokeResult {
        try await send(.POST, "/v1/revocations", body: BulkRevokeBody(owner: owner, reason: reason))
    }

    public func lookup(hashes: [KeyHash]) async throws -> LookupResult {
        try await send(.POST, "/v1/keys/lookup", body: LookupBody(hashes: hashes.map(\.hex)))
    }

    /// Imported inventory records carrying these provider identifiers (never secrets).
    public func lookupInventory(externalIDs: [String], provider: String? = nil) async throws -> InventoryLookupResult {
        try await send(.POST, "/v1/inventory/lookup", body: InventoryLookupBody(externalIDs: externalIDs, provider: provider))
    }

    public func verify(key: String, requiredScopes: [String]? = nil, ip: String? = nil) async throws -> VerifyResult {
        try await send(.POST, "/v1/verify", body: VerifyBody(key: key, requiredScopes: requiredScopes, ip: ip))
    }

    // MARK: audit and health

    public func auditEvents(limit: Int? = nil, before: Int64? = nil, subjectID: String? = nil) async throws -> AuditEventList {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", String(limit))) }
        if let before { query.append(("before", String(before))) }
        if let subjectID { query.append(("subject_id", subjectID)) }
        return try await send(.GET, "/v1/audit", query: query)
    }

    public func verifyAudit() async throws -> AuditVerifyObject {
        try await send(.GET, "/v1/audit/verify")
    }

    public func health() async throws -> Bool {
        struct Health: Decodable { var status: String }
        let health: Health = try await send(.GET, "/healthz")
        return health.status == "ok"
    }

    // MARK: transport

    /// An id for a URL path. A key given instead is refused here, so it is neither sent (URLs
    /// land in access logs) nor repeated (``GivenIdentifier``).
    static func pathSegment(_ id: String, as kind: GivenIdentifier = .keyID) throws -> String {
        if let refusal = kind.keyRefusal(id) { throw ClientError.configuration(refusal) }
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy({ Base62.isDigit($0) || $0 == UInt8(ascii: "_") }) else {
            throw ClientError.configuration(kind.message(id) { "\($0) is not a \(kind.kind) (a prefix, _ and letters and digits)" })
        }
        return id
    }

    struct Empty: Encodable {}

    func send<Response: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = []) async throws -> Response {
        try await send(method, path, query: query, body: Optional<Empty>.none)
    }

    func send<Body: Encodable, Response: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Body?) async throws -> Response {
        var components = URLComponents(string: baseURL + path)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = HTTPClientRequest(url: components.string!)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            let encoder = JSONEncoder()
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: timeout)
        } catch {
            throw ClientError.unreachable("cannot reach keyward at \(baseURL): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            if let error = try? JSONDecoder().decode(ErrorObject.self, from: data) {
                throw ClientError.api(status: Int(response.status.code), code: error.error.code, message: error.error.message)
            }
            throw ClientError.api(status: Int(response.status.code), code: "http_\(response.status.code)", message: String(decoding: data.prefix(200), as: UTF8.self))
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw ClientError.unexpectedResponse("\(method) \(path): \(error)")
        }
    }
}

public enum ClientError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    case unreachable(String)
    case api(status: Int, code: String, message: String)
    case unexpectedResponse(String)

    public var description: String {
        switch self {
        case .configuration(let message), .unreachable(let message): return message
        case .api(let status, let code, let message): return "server answered \(status) \(code): \(message)"
        case .unexpectedResponse(let message): return "unexpected response: \(message)"
        }
    }
}
