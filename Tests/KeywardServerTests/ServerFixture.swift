import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import KeywardSettings
import KeywardStore
import NIOCore

/// A node on a real SQLite file with a manual clock, its admin key, and helpers to call it.
struct ServerFixture {
    let directory: URL
    let node: KeywardNode
    let clock: ManualClock
    let admin: String

    static func make(configure: (inout KeywardConfiguration) -> Void = { _ in }) async throws -> ServerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = KeywardConfiguration()
        configuration.databasePath = directory.appendingPathComponent("keyward.db").path
        configure(&configuration)
        let store = try await SQLStore.openSQLite(path: configuration.databasePath)
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_800_000_000))
        let node = try await KeywardNode(store: store, configuration: configuration, clock: clock)
        let admin = try await node.keys.bootstrapAdmin()!.reveal()
        return ServerFixture(directory: directory, node: node, clock: clock, admin: admin)
    }

    /// Runs `body` against the router (no socket), then closes the store.
    static func withRouter(configure: (inout KeywardConfiguration) -> Void = { _ in }, _ body: @escaping @Sendable (ServerFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try await make(configure: configure)
        let app = Application(router: KeywardApplication.router(fixture.node))
        do {
            try await app.test(.router) { client in try await body(fixture, client) }
        } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    /// Runs `service` beside `body`, then cancels it and closes the fixture, also when `body` throws.
    func whileRunning(_ service: @escaping @Sendable () async throws -> Void, _ body: () async throws -> Void) async throws {
        let task = Task { try await service() }
        do {
            try await body()
        } catch {
            task.cancel()
            _ = try? await task.value
            try? await close()
            throw error
        }
        task.cancel()
        _ = try? await task.value
        try await close()
    }

    func close() async throws {
        try await node.store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A decoded answer: status and the JSON body (if any).
struct Answer {
    var status: HTTPResponse.Status
    var body: ByteBuffer
    var headers: HTTPFields

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    var text: String { String(buffer: body) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil, bytes: [UInt8]? = nil, headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        }
        if let bytes { body = ByteBuffer(bytes: bytes) }
        return try await execute(uri: path, method: method, headers: headers, body: body) { response in
            Answer(status: response.status, body: response.body, headers: response.headers)
        }
    }

    /// Issues a key through the API and returns (id, plaintext).
    func issue(_ token: String, _ json: String) async throws -> (id: String, key: String) {
        let answer = try await call(.post, "/v1/keys", token: token, json: json)
        guard answer.status == .created else { throw FixtureError.unexpected("issue failed: \(answer.status) \(answer.text)") }
        return (answer.json["id"] as! String, answer.json["key"] as! String)
    }

    func verify(_ token: String, _ key: String, scopes: [String]? = nil, ip: String? = nil) async throws -> [String: Any] {
        var body: [String: Any] = ["key": key]
        if let scopes { body["required_scopes"] = scopes }
        if let ip { body["ip"] = ip }
        let data = try JSONSerialization.data(withJSONObject: body)
        let answer = try await call(.post, "/v1/verify", token: token, json: String(decoding: data, as: UTF8.self))
        guard answer.status == .ok else { throw FixtureError.unexpected("verify answered \(answer.status) \(answer.text)") }
        return answer.json
    }
}

enum FixtureError: Error { case unexpected(String) }
