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
///
/// Each attempt resolves the URL's host itself, checks the addresses against the outbound policy
/// (``WebhookTarget``) and sends through a client of its own that connects to the checked address
/// only (AsyncHTTPClient's `dnsOverride`: `Host` and SNI stay the URL's host). A client shared by
/// all attempts would resolve names itself, after the check. The price is a new connection per
/// attempt; an attempt is already bounded to one request, and receivers are few.
struct WebhookSender: Sendable {
    let settings: HTTPClient.Configuration
    let policy: OutboundAddressPolicy
    let timeout: Duration
    let maxResponseBytes: Int
    let clock: any WallClock

    init(_ configuration: WebhookConfiguration, clock: any WallClock) {
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(configuration.connectTimeoutMilliseconds)),
                           read: .milliseconds(Int64(configuration.requestTimeoutMilliseconds))))
        settings.connectionPool = .init(idleTimeout: .seconds(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        settings.decompression = .disabled
        self.settings = settings
        policy = configuration.targets
        timeout = .milliseconds(configuration.requestTimeoutMilliseconds)
        maxResponseBytes = configuration.maxResponseBytes
        self.clock = clock
    }

    func send(_ delivery: DueWebhookDelivery) async -> WebhookAttemptOutcome {
        let started = ContinuousClock.now
        let at = clock.now()
        var status: Int?
        var failure: String?
        do {
            let signature = try WebhookSignature(secret: delivery.secret.get())
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
            let limit = maxResponseBytes
            let prepared = request
            let settings = self.settings
            let policy = self.policy
            status = try await withDeadline(timeout) {
                let target = try await WebhookTarget.resolve(url: prepared.url, policy: policy)
                var pinned = settings
                pinned.dnsOverride = [target.host: "\(target.address)"]
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinned)
                do {
                    let code = try await Self.exchange(prepared, on: client, timeout: timeout, maxResponseBytes: limit)
                    try? await client.shutdown()
                    return code
                } catch {
                    try? await client.shutdown()
                    throw error
                }
            }
        } catch let sealed as SealedSecretError {
            failure = "cannot open the subscription's signing secret: \(sealed)"
        } catch let refused as WebhookTarget.Refused {
            failure = refused.description
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

    /// Sends the request and reads (and drops) a bounded body; a receiver that streams forever is
    /// cut off by the deadline.
    static func exchange(_ request: HTTPClientRequest, on client: HTTPClient, timeout: Duration, maxResponseBytes: Int) async throws -> Int {
        let response = try await client.execute(request, deadline: .now() + .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                                        + timeout.components.attoseconds / 1_000_000_000))
        var remaining = maxResponseBytes
        for try await chunk in response.body {
            remaining -= chunk.readableBytes
            if remaining < 0 { break }
        }
        return Int(response.status.code)
    }

    /// A short, secret-free description of a transport error (the URL is not repeated: its
    /// path may be a credential).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return String(text.prefix(200))
    }
}
