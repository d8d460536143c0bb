import Foundation
import Hummingbird
import KeywardCore
import KeywardStore
import NIOCore
import Synchronization

/// A real HTTP receiver for webhook tests: a Hummingbird server on a free loopback port that
/// records every request, verifies its Standard Webhooks signature with the subscription's
/// secret (against the test's clock), and answers as told: accept, fail with a status, or hang.
final class WebhookReceiver: Sendable {
    enum Mode: Sendable, Equatable { case accept, fail(Int), hang }

    struct Received: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var body: [UInt8]
        var verified: Bool
        /// The status the receiver answered (nil: it hung until the sender gave up).
        var answered: Int?

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var type: String { json["type"] as? String ?? "" }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
        var subjectID: String { (data["subject"] as? [String: Any])?["id"] as? String ?? "" }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let clock: any WallClock
    let requests = Mutex<[Received]>([])
    let mode = Mutex<Mode>(.accept)
    let secret = Mutex<String?>(nil)
    private let running = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex<Int>(0)

    init(clock: any WallClock) { self.clock = clock }

    var port: Int { boundPort.withLock { $0 } }
    var url: String { "http://127.0.0.1:\(port)/hook" }
    var all: [Received] { requests.withLock { $0 } }
    /// Requests answered 2xx, in arrival order.
    var accepted: [Received] { all.filter { ($0.answered ?? 0) / 100 == 2 } }
    /// Accepted requests with repeats of a `webhook-id` dropped (first arrival kept): what a
    /// receiver that de-duplicates sees. Delivery is at least once: an attempt that times out at
    /// the sender after the receiver accepted it is sent again.
    var unique: [Received] {
        var seen: Set<String> = []
        return accepted.filter { seen.insert($0.id).inserted }
    }

    /// Starts listening (on `port`, or a free one) and returns once the socket is bound.
    @discardableResult
    func start(port: Int = 0) async throws -> Int {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/hook") { [self] request, _ -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let id = request.headers[HTTPFields.Element.Name("webhook-id")!]
            let timestamp = request.headers[HTTPFields.Element.Name("webhook-timestamp")!]
            let signature = request.headers[HTTPFields.Element.Name("webhook-signature")!]
            var verified = false
            if let secret = secret.withLock({ $0 }), let verifier = try? WebhookSignature(secret: secret) {
                verified = (try? verifier.verify(id: id, timestamp: timestamp, signatureHeader: signature, body: bytes, now: clock.now())) != nil
            }
            let current = mode.withLock { $0 }
            var answer: Int?
            switch current {
            case .accept: answer = 204
            case .fail(let status): answer = status
            case .hang: answer = nil
            }
            let received = Received(id: id ?? "", timestamp: timestamp ?? "", signature: signature ?? "", body: bytes, verified: verified, answered: answer)
            requests.withLock { $0.append(received) }
            guard let answer else {
                // Hang (bounded, so the test never waits on it): the sender's timeout cuts it off.
                try? await Task.sleep(for: .seconds(10))
                return Response(status: .serviceUnavailable)
            }
            return Response(status: .init(code: answer))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                               onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        running.withLock { $0 = task }
        let bound = try await withDeadline(.seconds(10)) {
            for await port in ports { return port }
            return 0
        }
        guard bound > 0 else { throw FixtureError.unexpected("receiver did not start") }
        boundPort.withLock { $0 = bound }
        return bound
    }

    func stop() async {
        let task = running.withLock { value in defer { value = nil }; return value }
        task?.cancel()
        _ = try? await task?.value
    }
}
