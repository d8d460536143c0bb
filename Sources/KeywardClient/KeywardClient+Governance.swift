import AsyncHTTPClient
import Foundation
import KeywardAPI
import KeywardCore
import NIOCore
import NIOHTTP1

/// The governance API (issue 4): inventory and imports, findings, owners, reviews, policy, report.
extension KeywardClient {
    // MARK: inventory

    public func inventory(provider: String? = nil, owner: String? = nil, environment: String? = nil, status: String? = nil,
                          limit: Int? = nil, cursor: String? = nil) async throws -> InventoryListObject {
        try await send(.GET, "/v1/inventory", query: Self.query([
            ("provider", provider), ("owner", owner), ("environment", environment), ("status", status), ("limit", limit.map(String.init)),
            ("cursor", cursor),
        ]))
    }

    /// Uploads an export file as it is read (never whole in memory) to
    /// `POST /v1/inventory/import/{kind}`; `fileName` is what rejections call it. Imports of a
    /// million rows take a while, so this call waits up to `timeoutSeconds`.
    public func importFile(kind: String, path: String, fileName: String, timeoutSeconds: Int64 = 3600) async throws -> ImportRunObject {
        let size: Int64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            guard FileManager.default.isReadableFile(atPath: path) else { throw CocoaError(.fileReadNoPermission) }
        } catch {
            throw ClientError.configuration("cannot read \(path): \(error.localizedDescription)")
        }
        var request = try request(.POST, "/v1/inventory/import/\(try Self.kindSegment(kind))", query: [("file", fileName)])
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(FileChunks(path: path), length: .known(size))
        return try decode(try await execute(request, timeout: .seconds(timeoutSeconds)), "POST /v1/inventory/import/\(kind)")
    }

    public func importRuns(limit: Int? = nil) async throws -> ImportRunListObject {
        try await send(.GET, "/v1/inventory/imports", query: Self.query([("limit", limit.map(String.init))]))
    }

    // MARK: findings

    public func findings(state: String? = nil, severity: String? = nil, minimumSeverity: String? = nil, rule: String? = nil,
                         owner: String? = nil, framework: String? = nil, subject: String? = nil, limit: Int? = nil,
                         cursor: String? = nil) async throws -> FindingListObject {
        try await send(.GET, "/v1/findings", query: Self.query([
            ("state", state), ("severity", severity), ("min_severity", minimumSeverity), ("rule", rule), ("owner", owner),
            ("framework", framework), ("subject", subject), ("limit", limit.map(String.init)), ("cursor", cursor),
        ]))
    }

    public func finding(id: String) async throws -> FindingDetailObject {
        try await send(.GET, "/v1/findings/\(try Self.textSegment(id, as: .findingID))")
    }

    public func acknowledge(findingID: String, note: String?) async throws -> Finding {
        try await send(.POST, "/v1/findings/\(try Self.textSegment(findingID, as: .findingID))/acknowledge", body: AcknowledgeBody(note: note))
    }

    public func evaluate() async throws -> EvaluationObject {
        try await send(.POST, "/v1/findings/evaluate", timeoutSeconds: 3600)
    }

    // MARK: owners

    public func addOwner(_ body: OwnerCreateBody) async throws -> OwnerEntry {
        try await send(.POST, "/v1/owners", body: body)
    }

    public func owners(status: String? = nil) async throws -> OwnerListObject {
        try await send(.GET, "/v1/owners", query: Self.query([("status", status)]))
    }

    public func owner(handle: String) async throws -> OwnerEntry {
        try await send(.GET, "/v1/owners/\(try Self.textSegment(handle, as: .ownerHandle))")
    }

    public func updateOwner(handle: String, _ body: OwnerUpdateBody) async throws -> OwnerEntry {
        try await send(.PATCH, "/v1/owners/\(try Self.textSegment(handle, as: .ownerHandle))", body: body)
    }

    public func depart(handle: String) async throws -> OwnerEntry {
        try await send(.POST, "/v1/owners/\(try Self.textSegment(handle, as: .ownerHandle))/depart")
    }

    public func offboard(handle: String, reason: String?) async throws -> OffboardResultObject {
        try await send(.POST, "/v1/owners/\(try Self.textSegment(handle, as: .ownerHandle))/offboard", body: OffboardBody(reason: reason))
    }

    // MARK: reviews

    public func startReview(_ body: ReviewStartBody) async throws -> ReviewDetailObject {
        try await send(.POST, "/v1/reviews", body: body)
    }

    public func reviews(status: String? = nil) async throws -> ReviewListObject {
        try await send(.GET, "/v1/reviews", query: Self.query([("status", status)]))
    }

    public func review(id: String) async throws -> ReviewDetailObject {
        try await send(.GET, "/v1/reviews/\(try Self.textSegment(id, as: .reviewID))")
    }

    public func attest(reviewID: String, _ body: AttestBody) async throws -> AttestResultObject {
        try await send(.POST, "/v1/reviews/\(try Self.textSegment(reviewID, as: .reviewID))/attest", body: body)
    }

    public func closeReview(id: String) async throws -> ReviewSummaryObject {
        try await send(.POST, "/v1/reviews/\(try Self.textSegment(id, as: .reviewID))/close")
    }

    /// The evidence document exactly as the server wrote it (its `sha256` covers the rest).
    public func evidence(reviewID: String) async throws -> String {
        try await text(.GET, "/v1/reviews/\(try Self.textSegment(reviewID, as: .reviewID))/evidence")
    }

    // MARK: policy and report

    public func policy() async throws -> PolicyObject {
        try await send(.GET, "/v1/policy")
    }

    public func reloadPolicy() async throws -> PolicyObject {
        try await send(.POST, "/v1/policy/reload")
    }

    public func checkPolicy(_ body: PolicyCheckBody) async throws -> PolicyCheckObject {
        try await send(.POST, "/v1/policy/check", body: body, timeoutSeconds: 3600)
    }

    /// The posture report rendered by the server: `json`, `md` or `html`.
    public func report(format: String) async throws -> String {
        try await text(.GET, "/v1/reports/posture", query: [("format", format)], timeoutSeconds: 600)
    }
}

// MARK: transport for uploads, raw text and long calls

extension KeywardClient {
    static func query(_ pairs: [(String, String?)]) -> [(String, String)] {
        pairs.compactMap { name, value in value.map { (name, $0) } }
    }

    /// Owner handles (`alice@example.com`), finding and review ids, percent-encoded as one segment.
    /// A percent-encoded path segment; a key given instead is refused, neither sent nor repeated.
    static func textSegment(_ text: String, as kind: GivenIdentifier) throws -> String {
        if let refusal = kind.keyRefusal(text) { throw ClientError.configuration(refusal) }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/%?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func kindSegment(_ kind: String) throws -> String {
        guard !kind.isEmpty, kind.utf8.count <= 64, kind.utf8.allSatisfy({ Base62.isDigit($0) || $0 == UInt8(ascii: "-") }) else {
            throw ClientError.configuration("\"\(kind.prefix(64))\" is not an import kind")
        }
        return kind
    }

    func request(_ method: HTTPMethod, _ path: String, query: [(String, String)] = []) throws -> HTTPClientRequest {
        var components = URLComponents(string: baseURL)!
        components.percentEncodedPath += path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.string else { throw ClientError.configuration("cannot build a URL for \(path)") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// Sends and collects the body; a non-2xx answer becomes ``ClientError/api(status:code:message:)``.
    func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Data {
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: timeout)
        } catch {
            throw ClientError.unreachable("cannot reach keyward at \(baseURL): \(error)")
        }
        let data = Data(try await response.body.collect(upTo: 256 * 1024 * 1024).readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            if let error = try? JSONDecoder().decode(ErrorObject.self, from: data) {
                throw ClientError.api(status: Int(response.status.code), code: error.error.code, message: error.error.message)
            }
            throw ClientError.api(status: Int(response.status.code), code: "http_\(response.status.code)", message: String(decoding: data.prefix(200), as: UTF8.self))
        }
        return data
    }

    func decode<T: Decodable>(_ data: Data, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ClientError.unexpectedResponse("\(what): \(error)")
        }
    }

    func text(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], timeoutSeconds: Int64 = 30) async throws -> String {
        String(decoding: try await execute(try request(method, path, query: query), timeout: .seconds(timeoutSeconds)), as: UTF8.self)
    }

    /// A JSON call that may take long (evaluations over large inventories).
    func send<Body: Encodable, Response: Decodable>(_ method: HTTPMethod, _ path: String, body: Body?, timeoutSeconds: Int64) async throws -> Response {
        var request = try request(method, path)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        return try decode(try await execute(request, timeout: .seconds(timeoutSeconds)), "\(method) \(path)")
    }

    func send<Response: Decodable>(_ method: HTTPMethod, _ path: String, timeoutSeconds: Int64) async throws -> Response {
        try await send(method, path, body: Optional<Empty>.none, timeoutSeconds: timeoutSeconds)
    }
}

/// A file as a sequence of 1 MiB buffers, for streaming uploads.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            guard let handle, let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else {
                try handle?.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: path)) }
}
