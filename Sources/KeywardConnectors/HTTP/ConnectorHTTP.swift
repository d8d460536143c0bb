import Foundation
import Synchronization

/// The one way connectors send requests: authorisation per attempt (a SigV4 signature carries
/// the time, so a retry is signed again), retries with backoff (``RetryPolicy``), waiting out a
/// provider's rate limit before the next request, and a count of every request sent.
///
/// `send` returns the final answer whatever its status — a 403 or 404 is the connector's to
/// interpret — and throws ``ConnectorError/failed(_:)`` only when no usable answer came:
/// the transport failed on every attempt, or the provider was still throttling at the last one.
public final class ConnectorHTTP: Sendable {
    public typealias Authorize = @Sendable (inout ConnectorRequest) async throws -> Void
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    public let transport: any ConnectorTransport
    public let retry: RetryPolicy
    private let sleep: Sleep
    private let now: @Sendable () -> Date
    private let state: SharedState

    /// What copies made by ``with(retry:)`` share: the request count and the rate-limit wait.
    private final class SharedState: Sendable {
        let sent = Atomic<Int>(0)
        /// When a response said the rate limit is spent: no request leaves before this time.
        let notBefore = Mutex<Date?>(nil)
    }

    public convenience init(transport: any ConnectorTransport, retry: RetryPolicy = RetryPolicy(),
                            sleep: @escaping Sleep = { try await Task.sleep(for: $0) }, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(transport: transport, retry: retry, sleep: sleep, now: now, state: SharedState())
    }

    private init(transport: any ConnectorTransport, retry: RetryPolicy, sleep: @escaping Sleep, now: @escaping @Sendable () -> Date, state: SharedState) {
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
        self.now = now
        self.state = state
    }

    /// The same layer (transport, sleep, request count, rate-limit wait) with another retry
    /// policy: a connector whose provider reports throttling its own way (AWS) sets its
    /// ``RetryPolicy/isThrottled`` here.
    public func with(retry: RetryPolicy) -> ConnectorHTTP {
        ConnectorHTTP(transport: transport, retry: retry, sleep: sleep, now: now, state: state)
    }

    /// Waits `duration` with the sleep this layer was built with (a connector polling for a
    /// report it asked for; tests pass a sleep that returns at once).
    public func pause(_ duration: Duration) async throws {
        try await sleep(duration)
    }

    /// Requests sent so far, retries included.
    public var requestCount: Int { state.sent.load(ordering: .relaxed) }

    public func send(_ request: ConnectorRequest, authorize: Authorize? = nil) async throws -> ConnectorResponse {
        var attempt = 0
        while true {
            try await waitForRateLimit()
            var prepared = request
            if let authorize { try await authorize(&prepared) }
            state.sent.add(1, ordering: .relaxed)
            let response: ConnectorResponse
            do {
                response = try await transport.send(prepared)
            } catch let error as CancellationError {
                throw error
            } catch {
                attempt += 1
                guard attempt < retry.maxAttempts else {
                    throw ConnectorError.failed(["\(request.label): no answer after \(attempt) attempts (\(Self.describe(error)))"])
                }
                try await sleep(retry.delay(after: nil, attempt: attempt - 1, now: now()))
                continue
            }
            noteRateLimit(response)
            guard retry.shouldRetry(response) else { return response }
            attempt += 1
            let wait = retry.delay(after: response, attempt: attempt - 1, now: now())
            guard attempt < retry.maxAttempts, wait <= retry.maximumWait else {
                let why = attempt < retry.maxAttempts ? "the provider asked to wait \(wait), longer than \(retry.maximumWait)" : "still throttled after \(attempt) attempts"
                throw ConnectorError.failed(["\(request.label): HTTP \(response.status), \(why)"])
            }
            try await sleep(wait)
        }
    }

    /// A successful answer that says the budget is spent (`x-ratelimit-remaining: 0`) holds the
    /// next request until the reset time it names.
    private func noteRateLimit(_ response: ConnectorResponse) {
        guard response.isSuccess, let wait = RetryPolicy.providerWait(response, now: now()), wait > .zero else { return }
        let until = now().addingTimeInterval(Double(wait.nanoseconds) / 1e9)
        state.notBefore.withLock { $0 = max($0 ?? until, until) }
    }

    private func waitForRateLimit() async throws {
        guard let until = state.notBefore.withLock({ value -> Date? in defer { value = nil }; return value }) else { return }
        let wait = until.timeIntervalSince(now())
        guard wait > 0 else { return }
        let duration = Duration.milliseconds(Int64(wait * 1000))
        guard duration <= retry.maximumWait else {
            throw ConnectorError.failed(["rate limit spent until \(until); longer than \(retry.maximumWait)"])
        }
        try await sleep(duration)
    }

    /// A transport error in a few words; never the request (its URL or headers may carry a token).
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(160))
    }
}
