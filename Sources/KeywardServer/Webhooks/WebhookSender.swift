import AsyncHTTPClient
import Foundation
import KeywardCore
import KeywardSettings
import KeywardStore
import NIOCore
import NIOHTTP1

/// Sends one delivery attempt: a signed POST of the stored payload, bounded in time (connect,
/// head and body together) and in the response bytes it reads. Never follows redirects: a
/// receiver that moved must be re-subscribed, so a redirect cannot carry deliveries elsewhere.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let timeout: Duration
    let maxResponseBytes: Int
    let clock: any WallClock

    static func makeClient(_ configuration: WebhookConfiguration) -> HTTPClient {
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(configuration.connectTimeoutMilliseconds)),
                           read: .milliseconds(Int64(configuration.requestTimeoutMilliseconds))))
        settings.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxInFlight)
        settings.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    func send(_ delivery: DueWebhookDelivery) async -> WebhookAttemptOutcome {
        let started = ContinuousClock.now
        let at = clock.now()
        var status: Int?
        var failure: String?
        do {
            let signature = try WebhookSignature(secret: delivery.secret)
            let timestamp = at.millisecondsSinceEpoch / 1000
            let body = Array(delivery.payload.utf8)
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "keyward-webhooks")
            request.headers.add(name: "webhook-id", value: delivery.id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(name: "webhook-signature", value: signature.sign(id: delivery.id, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let client = self.client
            let limit = maxResponseBytes
            let prepared = request
            status = try await withDeadline(timeout) {
                let response = try await client.execute(prepared, deadline: .now() + .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                                                   + timeout.components.attoseconds / 1_000_000_000))
                // Read (and drop) a bounded body so the connection can be reused; a receiver
                // that streams forever is cut off by the deadline.
                var remaining = limit
                for try await chunk in response.body {
                    remaining -= chunk.readableBytes
                    if remaining < 0 { break }
                }
                return Int(response.status.code)
            }
        } catch is DeadlineExceeded {
            failure = "timeout after \(timeout)"
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            failure = "timeout after \(timeout)"
        } catch {
            failure = Self.describe(error)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return WebhookAttemptOutcome(delivery: delivery, at: at, status: status, error: failure ?? status.flatMap { (200..<300).contains($0) ? nil : "HTTP \($0)" },
                                     durationMilliseconds: milliseconds)
    }

    /// A short, secret-free description of a transport error (the URL is not repeated: its
    /// path may be a credential).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return String(text.prefix(200))
    }
}
