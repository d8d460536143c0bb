import Foundation
import Hummingbird
import KeywardCore
import KeywardServer
import KeywardSettings
import KeywardStore
import Logging
import ServiceLifecycle
import Synchronization

/// `keyward bench webhooks`: webhook throughput to a local receiver. Writes `events` key.created
/// events to a fresh database (SQLite file, or a PostgreSQL URL), subscribes a receiver on a
/// loopback port that verifies every signature, then starts the dispatcher and times until the
/// receiver has accepted every delivery: the outbox drained at full speed (ingest, sign, POST,
/// record), which is also how fast a receiver that was down catches up.
public struct WebhookBenchmark: Sendable {
    public var events: Int
    public var concurrency: Int
    public var databaseURL: String?
    public var verifySignatures: Bool

    public init(events: Int, concurrency: Int, databaseURL: String?, verifySignatures: Bool) {
        self.events = events
        self.concurrency = concurrency
        self.databaseURL = databaseURL
        self.verifySignatures = verifySignatures
    }

    public struct Result: Encodable, Sendable {
        public var backend: String
        public var deliveries: Int
        public var concurrency: Int
        public var seconds: Double
        public var deliveriesPerSecond: Double
        public var verifiedSignatures: Int
        public var writeEventsSeconds: Double

        enum CodingKeys: String, CodingKey {
            case backend, deliveries, concurrency, seconds
            case deliveriesPerSecond = "deliveries_per_second"
            case verifiedSignatures = "verified_signatures"
            case writeEventsSeconds = "write_events_seconds"
        }
    }

    final class Counter: Sendable {
        let accepted = Atomic<Int>(0)
        let verified = Atomic<Int>(0)
    }

    public func run() async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-bench-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "keyward.bench")
        logger.logLevel = .warning
        let store: SQLStore
        if let databaseURL {
            store = try await SQLStore.openPostgres(url: databaseURL, logger: logger)
        } else {
            store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("keyward.db").path, logger: logger)
        }
        let clock = SystemClock()
        let keys = KeyService(store: store, lifecycle: try KeyLifecycle(format: try KeyFormat(prefix: "kw"), environments: ["live"]), clock: clock) { _ in }

        // The receiver.
        let counter = Counter()
        let secretBox = Mutex<String?>(nil)
        let router = Router()
        let verify = verifySignatures
        router.post("/hook") { request, _ -> Response in
            let body = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            if verify, let secret = secretBox.withLock({ $0 }), let signer = try? WebhookSignature(secret: secret) {
                let headers = request.headers
                if (try? signer.verify(id: headers[HTTPFields.Element.Name("webhook-id")!], timestamp: headers[HTTPFields.Element.Name("webhook-timestamp")!],
                                       signatureHeader: headers[HTTPFields.Element.Name("webhook-signature")!], body: body, now: clock.now())) != nil {
                    counter.verified.add(1, ordering: .relaxed)
                }
            }
            counter.accepted.add(1, ordering: .relaxed)
            return Response(status: .noContent)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let receiverTask = Task { try await receiver.runService(gracefulShutdownSignals: []) }
        defer { receiverTask.cancel() }
        let port = try await withDeadline(.seconds(10)) { for await port in ports { return port }; return 0 }

        let admin = Principal.system("bench")
        let request = try WebhookSubscriptionRequest(url: "http://127.0.0.1:\(port)/hook", events: ["key.created"], owner: nil, description: nil)
        let (_, secret) = try await store.createWebhook(request, by: admin, at: clock.now())
        secretBox.withLock { $0 = secret }

        // The events, written before the dispatcher starts.
        let writeStart = ContinuousClock.now
        let total = events
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for index in stride(from: worker, to: total, by: 16) {
                        _ = try await keys.issue(IssueRequest(name: "bench \(index)", owner: "bench", scopes: ["bench:read"]), by: admin)
                    }
                }
            }
            try await group.waitForAll()
        }
        let writeSeconds = (ContinuousClock.now - writeStart).seconds

        var configuration = WebhookConfiguration()
        configuration.pollMilliseconds = 5
        configuration.maxInFlight = concurrency
        configuration.noticeIntervalMilliseconds = 3_600_000
        // The receiver is on loopback, which deliveries refuse unless opted back in.
        configuration.targets = OutboundAddressPolicy(allowedNetworks: [CIDR("127.0.0.0/8")!])
        let dispatcher = WebhookDispatcher(store: store, configuration: configuration, clock: clock, stats: WebhookStats(), logger: logger)
        let group = ServiceGroup(services: [dispatcher], logger: logger)
        let start = ContinuousClock.now
        let running = Task { try await group.run() }
        let deadline = start + .seconds(600)
        while counter.accepted.load(ordering: .relaxed) < total && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        let elapsed = (ContinuousClock.now - start).seconds
        await group.triggerGracefulShutdown()
        try? await running.value
        try await store.close()
        let accepted = counter.accepted.load(ordering: .relaxed)
        guard accepted >= total else { throw KeywardError.invalidArgument("only \(accepted) of \(total) deliveries arrived within 600 s") }
        return Result(backend: databaseURL == nil ? "sqlite" : "postgres", deliveries: accepted, concurrency: concurrency, seconds: elapsed,
                      deliveriesPerSecond: Double(accepted) / elapsed, verifiedSignatures: counter.verified.load(ordering: .relaxed),
                      writeEventsSeconds: writeSeconds)
    }
}
