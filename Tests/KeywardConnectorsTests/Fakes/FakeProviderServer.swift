import Foundation
import Hummingbird
import KeywardStore
import NIOCore
import Synchronization

/// A provider's API as a real HTTP server on a free loopback port, answering with `handle`: the
/// common part of the github, gcp-iam, openai and anthropic fakes (each follows its provider's
/// published API description; see their headers).
final class FakeProviderServer: Sendable {
    /// One request as the fake saw it.
    struct Seen: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var body: [UInt8]
        /// `http://127.0.0.1:PORT`, for links back to the fake.
        var base: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var form: [String: String] {
            var fields: [String: String] = [:]
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            return fields
        }
    }

    /// An answer: status, headers, JSON body.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: String = ""

        static func json(_ status: Int, _ object: Any, headers: [String: String] = [:]) -> Answer {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return Answer(status: status, headers: headers, body: String(decoding: data, as: UTF8.self))
        }
    }

    private let running = Mutex<Task<Void, any Error>?>(nil)
    private let seen = Mutex<[Seen]>([])
    private let boundPort = Mutex<Int>(0)

    var port: Int { boundPort.withLock { $0 } }
    var base: String { "http://127.0.0.1:\(port)" }
    var requests: [Seen] { seen.withLock { $0 } }

    /// Starts the server; returns once its socket is bound.
    static func start(_ handle: @escaping @Sendable (Seen) -> Answer) async throws -> FakeProviderServer {
        let server = FakeProviderServer()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [server] request, _ in
            let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let seen = Seen(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body, base: server.base)
            server.seen.withLock { $0.append(seen) }
            let answer = handle(seen)
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in answer.headers { fields[HTTPFields.Element.Name(name)!] = value }
            return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        server.running.withLock { $0 = task }
        let bound = try await withDeadline(.seconds(10)) {
            for await port in ports { return port }
            return 0
        }
        guard bound > 0 else { throw FakeServerError.notStarted }
        server.boundPort.withLock { $0 = bound }
        return server
    }

    func stop() async {
        let task = running.withLock { value in defer { value = nil }; return value }
        task?.cancel()
        _ = try? await task?.value
    }

    enum FakeServerError: Error { case notStarted }
}

/// `value`, or JSON null.
func orNull(_ value: Any?) -> Any { value ?? NSNull() }
